// Package host is the simulated Altium host: where its files live under the root folder,
// how `altium-sim init` lays them out, the IIS service state, the simulated application
// that keeps writing while IIS runs (Tick), and the consistency check behind
// `altium-sim verify`.
//
// Layout under ROOT:
//
//	LocalVault.ini            CRLF, no section header, keys of the restore seed
//	applicationHost.config    IIS configuration with the Altium site and its bindings
//	tnsnames.ora              the database alias
//	FileStorage/              generated documents; .generation holds the files' generation
//	oracle/                   the simulated database (package simdb); oracle/dpdump is DATA_PUMP_DIR
//	iis.json                  IIS runtime state (WAS, W3SVC, sites)
//	bin/                      altium-sim and its tool links (avbackup, exp, imp, ...)
//	secrets/                  schema-password and admin-password, 0600
//	events.jsonl, faults.yaml tool-call log and fault injection
//	epoch                     the monotonic epoch of events.jsonl
//
// Every mutation of the host happens under the database lock (simdb.Open), so tool
// processes started concurrently serialize.
package host
