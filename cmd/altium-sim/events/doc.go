// Package events writes ROOT/events.jsonl: two JSON lines per simulated tool call, one
// with "phase":"start" before the tool works (so a test that kills the tool still sees
// it) and one with "phase":"end" carrying the exit code. Each line is one write(2) to a
// file opened with O_APPEND. Argv is recorded with known secrets replaced by ***, and
// passwordInArgv says whether a known password appeared in it at all.
package events
