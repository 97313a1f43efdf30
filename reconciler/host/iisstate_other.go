//go:build !windows

package host

// serviceState is the Service Control Manager's view, on Windows only.
func serviceState() IISState { return nil }
