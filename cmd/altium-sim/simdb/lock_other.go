//go:build !unix && !windows

package simdb

import "os"

// On platforms without file locks the simulator runs one tool at a time.
func lockFile(*os.File) error   { return nil }
func unlockFile(*os.File) error { return nil }
