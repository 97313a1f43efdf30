// Package host drives the Windows side of an Altium install: IIS (stopped and started with
// the server's argv, `net stop WAS /y` / `net start W3SVC` by default), avbackup (backup and
// restore of the file storage), the free space of a destination, and the Oracle side of a
// server (hosts.go, oracle.go, oracle_dump.go: the connect descriptor from LocalVault.ini
// and tnsnames.ora, the administrative driver the manifest names, exp/imp or Data Pump).
// Real builds a server's adapters (Host) for the runbooks. Every call runs through toolrun
// with its own timeout and streams the tool's output into the run log, the run's details
// (grants, SQL*Plus's answers at debug) too; the agent's log gets none of it (issue 16).
// A failed dump tool's error leads with the decisive line of its log (checks/oralog).
package host
