// Package toolrun runs one external program the way every vaultkeeper step must: under a
// context and its own timeout, with the whole process group killed on timeout or
// cancellation, stdout and stderr streamed line by line into a *slog.Logger (and optionally
// a writer; blank lines are written, never logged) with secrets masked, a bounded tail of output kept for error messages, and the
// exit status turned into typed errors (*ExitError, ErrTimeout, or the context's error).
//
// Secrets never belong in argv: pass them through Stdin or a parfile, and list them in
// Cmd.Mask so that a tool echoing them cannot leak them into logs, Output or errors.
package toolrun
