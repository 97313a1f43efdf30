//go:build !windows

package main

import (
	"context"
	"runtime"

	"github.com/spf13/cobra"
)

func serviceAction(_ *cobra.Command, _ string, _ *runOptions) error {
	return failf("vaultkeeper service is Windows-only (this is %s); run `vaultkeeper run` under systemd or another supervisor", runtime.GOOS)
}

// runAsService reports whether the process was started by the Windows service manager: never
// here.
func runAsService(context.Context, *runOptions) (bool, error) { return false, nil }
