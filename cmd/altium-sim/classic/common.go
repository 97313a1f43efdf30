package classic

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/oracli"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

// Outcome is how a run ended.
type Outcome int

// The outcomes, with their final lines.
const (
	OK Outcome = iota
	Warnings
	Failed
)

// exitCode maps an outcome to Oracle's exit status on the simulated OS.
func exitCode(o Outcome) int {
	switch o {
	case OK:
		return 0
	case Warnings:
		if simtool.Windows() {
			return 3
		}
		return 0
	}
	return 1
}

// finish prints the final line for utility ("Export" or "Import") and returns the exit code.
func finish(l *oracli.Log, utility, prefix string, o Outcome) int {
	switch o {
	case OK:
		l.Println(l.NLS.Translate(utility + " terminated successfully without warnings."))
	case Warnings:
		l.Println(l.NLS.Translate(utility + " terminated successfully with warnings."))
	default:
		l.Println(prefix + "-00000: " + l.NLS.Translate(utility+" terminated unsuccessfully"))
	}
	l.Close()
	return exitCode(o)
}

func banner(l *oracli.Log, utility string) {
	l.Screen("\n%s: Release 19.0.0.0.0 - Production on %s\nVersion 19.3.0.0.0\n\n"+
		"Copyright (c) 1982, 2019, Oracle and/or its affiliates.  All rights reserved.\n\n",
		utility, time.Now().Format("Mon Jan 2 15:04:05 2006"))
}

const connected = "\nConnected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production\nVersion 19.3.0.0.0"

// userid returns the USERID, prompting on the screen and reading stdin when absent
// (the way to pass credentials without argv or parfile).
func userid(env simtool.Env, l *oracli.Log, p oracli.Params) string {
	if u := p["userid"]; u != "" {
		if strings.Contains(u, "/") {
			return u
		}
		l.Screen("Password: ")
		pw, _ := readLine(env)
		return u + "/" + pw
	}
	l.Screen("Username: ")
	u, _ := readLine(env)
	if u != "" && !strings.Contains(u, "/") {
		l.Screen("Password: ")
		pw, _ := readLine(env)
		u += "/" + pw
	}
	return u
}

func readLine(env simtool.Env) (string, bool) {
	if env.Stdin == nil {
		return "", false
	}
	br := bufio.NewReader(env.Stdin)
	s, err := br.ReadString('\n')
	return strings.TrimRight(s, "\r\n"), err == nil || s != ""
}

// oraLine formats "EXP-00056: ORACLE error 1017 encountered".
func oraLine(prefix string, code int) string {
	n := 56
	if prefix == "IMP" {
		n = 58
	}
	return fmt.Sprintf("%s-%05d: ORACLE error %d encountered", prefix, n, code)
}
