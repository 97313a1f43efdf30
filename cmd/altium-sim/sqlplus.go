package main

import (
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/sqlsim"
)

// sqlplusRun hands sqlplus to the simulated SQL*Plus (package sqlsim). Events, faults
// and the application tick happen around it in runTool, as for every tool.
func sqlplusRun(env simtool.Env, args []string) int {
	return sqlsim.Run(env.Host.Root, args, env.Stdin, env.Stdout, env.Stderr)
}
