package main

import (
	"os"
	"path/filepath"
	"runtime"
)

// defaultStateDir is where an admin expects the agent's state: %ProgramData%\vaultkeeper on
// Windows, /var/lib/vaultkeeper elsewhere.
func defaultStateDir() string {
	if runtime.GOOS == "windows" {
		base := os.Getenv("ProgramData")
		if base == "" {
			base = `C:\ProgramData`
		}
		return filepath.Join(base, "vaultkeeper")
	}
	return "/var/lib/vaultkeeper"
}

// defaultListen is the agent's HTTP address; loopback unless told otherwise.
const defaultListen = "127.0.0.1:9469"
