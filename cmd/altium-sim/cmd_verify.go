package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/faults"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
)

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("altium-sim verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", "", "host folder (default: $ALTIUM_SIM_ROOT or around the executable)")
	out := fs.String("o", "text", "output: text or json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	h := host.Host{Root: *root}
	if *root == "" {
		var err error
		if h, err = host.Resolve(); err != nil {
			fmt.Fprintf(stderr, "altium-sim verify: %v\n", err)
			return 2
		}
	}
	if err := h.Tick(extraSessions(h)); err != nil {
		fmt.Fprintf(stderr, "altium-sim verify: %v\n", err)
		return 2
	}
	r, err := h.Verify()
	if err != nil {
		fmt.Fprintf(stderr, "altium-sim verify: %v\n", err)
		return 2
	}
	if *out == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		fmt.Fprintf(stdout, "consistent: %v\nfiles generation: %d\ndatabase generation: %d\nIIS running: %v\n",
			r.Consistent, r.FilesGeneration, r.DBGeneration, r.IISRunning)
		for _, p := range r.Problems {
			fmt.Fprintf(stdout, "problem: %s\n", p)
		}
	}
	if !r.Consistent {
		return 1
	}
	return 0
}

// extraSessions is the fault "sessions: N" of the db (or sqlplus) entry.
func extraSessions(h host.Host) int {
	n := 0
	for _, key := range []string{"db", "sqlplus"} {
		if f, err := faults.Peek(h.Faults(), key); err == nil && f.Sessions > n {
			n = f.Sessions
		}
	}
	return n
}
