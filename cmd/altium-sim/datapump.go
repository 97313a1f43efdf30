package main

import (
	"fmt"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

func datapumpRun(env simtool.Env, name string, args []string) int {
	_ = args
	fmt.Fprintf(env.Stderr, "%s: not simulated yet\n", name)
	return 1
}
