// Command altium-sim is a simulated Altium Enterprise Server / NEXUS Server host with its
// Oracle toolset, for vaultkeeper's end-to-end tests and demo. One multi-call binary:
//
//	altium-sim init --root DIR [flags]     lay out a host (see package host)
//	altium-sim verify --root DIR [-o json] consistency report; exit 1 when inconsistent
//	altium-sim TOOL args...                run a tool directly
//	DIR/bin/TOOL args...                   the same through the links init creates
//
// TOOL is avbackup, exp, imp, expdp, impdp, sqlplus, net or appcmd, chosen by the base
// name of argv[0] (".exe" stripped). Every tool call is logged to DIR/events.jsonl, may
// be disturbed by DIR/faults.yaml or ALTIUM_SIM_FAULT_<TOOL>, and first lets the
// simulated application write if IIS serves (host.Tick).
package main
