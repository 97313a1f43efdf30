package main

import "strings"

// isUsageError recognises cobra's own argument errors (unknown command, wrong arg count).
func isUsageError(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
