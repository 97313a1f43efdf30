package oracli

import (
	"fmt"
	"io"
	"os"
)

// Log writes each message to the screen (stderr, as exp/imp do) and to the log file.
type Log struct {
	screen io.Writer
	file   *os.File
	// NLS is the client's NLS_LANG: the language messages are printed in.
	NLS NLS
}

// NewLog returns a Log on screen; OpenFile adds the log file.
func NewLog(screen io.Writer) *Log { return &Log{screen: screen, NLS: ParseNLS(DefaultNLSLang)} }

// OpenFile starts copying messages to path (created or truncated).
func (l *Log) OpenFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	l.file = f
	return nil
}

// Screen writes to the screen only (banners and prompts).
func (l *Log) Screen(format string, args ...any) { fmt.Fprintf(l.screen, format, args...) }

// Printf writes to both.
func (l *Log) Printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	io.WriteString(l.screen, s)
	if l.file != nil {
		io.WriteString(l.file, s)
	}
}

// Println writes one line to both.
func (l *Log) Println(s string) { l.Printf("%s\n", s) }

// Close closes the log file.
func (l *Log) Close() error {
	if l.file == nil {
		return nil
	}
	err := l.file.Close()
	l.file = nil
	return err
}
