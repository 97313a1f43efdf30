package main

import (
	"fmt"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// sqlplusRun hands sqlplus to the simulated SQL*Plus of package sqlsim.
// TODO: wire sqlsim.Run(env.Host.Root, args, env.Stdin, env.Stdout, env.Stderr) once
// cmd/altium-sim/sqlsim exists.
func sqlplusRun(env simtool.Env, args []string) int {
	_ = args
	fmt.Fprintln(env.Stderr, "sqlplus: the simulated SQL*Plus (cmd/altium-sim/sqlsim) is not built in yet")
	return 1
}
