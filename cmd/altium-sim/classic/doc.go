// Package classic simulates Oracle's original Export and Import utilities (exp, imp):
// their parameters, banners, log lines, EXP-/IMP-/ORA- messages and exit codes (Unix:
// 0 success, 0 warnings, 1 failure; with ALTIUM_SIM_OS=windows: 0, 3, 1), writing and
// reading dumps in the dumpfile format.
package classic
