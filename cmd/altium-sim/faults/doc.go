// Package faults reads the fault injection of a simulated host: ROOT/faults.yaml, a map
// from tool name (avbackup, exp, imp, expdp, impdp, sqlplus, net, appcmd, or db for the
// database as a whole) to a Fault, and the environment variable ALTIUM_SIM_FAULT_<TOOL>
// holding one Fault as YAML (e.g. '{exit: 3}'), which applies to every call and takes
// precedence over the file. A Fault with count: N in the file applies to the next N calls
// only: Take decrements it under the host lock and removes the entry at zero. A Fault with
// match: TEXT applies only to calls whose argv or stdin contains TEXT (TakeFor), and
// skip: N lets the first N matching calls pass: together they hold one chosen call.
package faults
