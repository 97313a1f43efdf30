package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/avbackup"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/classic"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/events"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/faults"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/iistool"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// runTool runs one simulated tool call: the fault is taken, the start event written, the
// generic faults applied, the application ticks, the tool runs, the end event is written.
func runTool(name string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// The call's start record holds when runTool began (before the host, the faults and the
	// lock were read); its end record also when the process started (exec included).
	begun := host.MonoNow()
	procStart := host.ProcStart()
	first := true
	mono := func() int64 {
		if first {
			first = false
			return begun
		}
		return host.MonoNow()
	}
	h, err := host.Resolve()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	// A fault that matches on the call's input needs the whole stdin (sqlplus reads its
	// script from there): read it first and hand the tool a copy.
	input := strings.Join(args, " ")
	if p, err := faults.Peek(h.Faults(), name); err == nil && p.Match != "" && stdin != nil {
		b, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "%s: read stdin: %v\n", name, err)
			return 1
		}
		stdin, input = bytes.NewReader(b), input+"\n"+string(b)
	}
	var fault faults.Fault
	if err := h.WithLock(func(*simdb.DB) error {
		var err error
		fault, err = faults.TakeFor(h.Faults(), name, input)
		return err
	}); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	call, err := events.BeginFaults(h.Events(), h.Epoch(), mono, name, args, knownSecrets(h), fault.String())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	call.SetProcStart(min(procStart, begun))
	code := apply(h, name, args, fault, stdin, stdout, stderr)
	if err := call.End(code); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
	}
	return code
}

func apply(h host.Host, name string, args []string, f faults.Fault, stdin io.Reader, stdout, stderr io.Writer) int {
	if d := f.SlowFor(); d > 0 {
		time.Sleep(d)
	}
	if f.Hang {
		// Until killed. A pending timer, not `select {}`: with nothing else to wake it, Go on
		// Windows calls a bare `select {}` a deadlock and exits at once.
		for {
			time.Sleep(time.Hour)
		}
	}
	if f.HangUntil != "" {
		for {
			if _, err := os.Stat(f.HangUntil); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if f.Garbage {
		garbage(stdout)
		garbage(stderr)
		return 0
	}
	if f.Exit != nil {
		fmt.Fprintln(stderr, failureMessage(name))
		return *f.Exit
	}
	// Sessions held regardless of IIS: the db/sqlplus faults, or this tool's own
	// (exp: {sessions: N} is the application writing while the export runs).
	if err := h.Tick(max(extraSessions(h), f.Sessions)); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	env := simtool.Env{Host: h, Stdin: stdin, Stdout: stdout, Stderr: stderr, Fault: f}
	switch name {
	case "avbackup":
		return avbackup.Run(env, args)
	case "exp":
		return classic.Exp(env, args)
	case "imp":
		return classic.Imp(env, args)
	case "expdp", "impdp":
		return datapumpRun(env, name, args)
	case "net":
		return iistool.Net(env, args)
	case "appcmd":
		return iistool.Appcmd(env, args)
	case "sqlplus":
		return sqlplusRun(env, args)
	}
	fmt.Fprintf(stderr, "altium-sim: no tool %q\n", name)
	return 1
}

func garbage(w io.Writer) {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(rand.IntN(256))
	}
	w.Write(b)
}

// failureMessage is what a tool prints when a fault makes it fail with a given code.
func failureMessage(name string) string {
	switch name {
	case "exp":
		return "EXP-00056: ORACLE error 3113 encountered\nORA-03113: end-of-file on communication channel\nEXP-00000: Export terminated unsuccessfully"
	case "imp":
		return "IMP-00058: ORACLE error 3113 encountered\nORA-03113: end-of-file on communication channel\nIMP-00000: Import terminated unsuccessfully"
	case "expdp", "impdp":
		return "UDE-00008: operation generated ORACLE error 31626\nORA-31626: job does not exist"
	case "sqlplus":
		return "ERROR:\nORA-12541: TNS:no listener\n\nSP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus"
	case "net":
		return "System error 5 has occurred.\n\nAccess is denied.\n"
	case "appcmd":
		return "ERROR ( hresult:80070005, message:Access is denied. )"
	}
	return "Error: the backup tool failed: the process cannot access the file because it is being used by another process."
}

// knownSecrets are the passwords events.jsonl must never show: every database user's,
// LocalVault.ini's, and the secrets files'.
func knownSecrets(h host.Host) []string {
	var out []string
	if lv, err := host.ReadLocalVault(h.LocalVault()); err == nil {
		out = append(out, lv.Password)
	}
	for _, f := range []string{"schema-password", "admin-password"} {
		if raw, err := os.ReadFile(filepath.Join(h.Secrets(), f)); err == nil {
			out = append(out, strings.TrimSpace(string(raw)))
		}
	}
	h.WithLock(func(db *simdb.DB) error {
		for _, n := range db.UserNames() {
			out = append(out, db.Users[n].Password)
		}
		return nil
	})
	return out
}
