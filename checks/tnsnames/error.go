package tnsnames

import "fmt"

// Pos is a place in a file: 1-based line and column (columns count bytes; a tab is one).
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is a syntax or include error at a position. Err, when set, is the underlying cause
// (for example fs.ErrNotExist for a missing IFILE) and is returned by Unwrap.
type Error struct {
	Pos Pos
	Msg string
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Pos, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(p Pos, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}
