package main

import (
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/datapump"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

func datapumpRun(env simtool.Env, name string, args []string) int {
	if name == "expdp" {
		return datapump.Expdp(env, args)
	}
	return datapump.Impdp(env, args)
}
