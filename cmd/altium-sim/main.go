package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches on the program name and returns the exit code.
func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := strings.ToLower(strings.TrimSuffix(filepath.Base(argv[0]), ".exe"))
	args := argv[1:]
	if name == "altium-sim" || !isTool(name) {
		if len(args) == 0 {
			fmt.Fprintln(stderr, usage)
			return 2
		}
		switch args[0] {
		case "init":
			return cmdInit(args[1:], stdout, stderr)
		case "verify":
			return cmdVerify(args[1:], stdout, stderr)
		case "-h", "--help", "help":
			fmt.Fprintln(stdout, usage)
			return 0
		}
		if !isTool(args[0]) {
			fmt.Fprintf(stderr, "altium-sim: unknown command %q\n%s\n", args[0], usage)
			return 2
		}
		name, args = args[0], args[1:]
	}
	return runTool(name, args, stdin, stdout, stderr)
}

func isTool(name string) bool {
	for _, t := range host.Tools {
		if t == name {
			return true
		}
	}
	return false
}

const usage = `usage:
  altium-sim init --root DIR [--product EnterpriseServer|NexusServer] [--schema AESUSER313]
                  [--password Altium] [--admin-password P] [--tablespace USERS] [--domain CORP]
                  [--fqdn aes.corp.example.com] [--db-host oradb01.corp.example.com] [--alias XE]
                  [--files N] [--file-size BYTES] [--tables N] [--rows N] [--app-sessions N]
  altium-sim verify --root DIR [-o json|text]
  altium-sim avbackup|exp|imp|expdp|impdp|sqlplus|net|appcmd ARGS...   (or DIR/bin/TOOL ARGS...)`
