package tnsnames

import (
	"bytes"
	"strings"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokLParen
	tokRParen
	tokEq
	tokComma
)

func (k tokKind) String() string {
	switch k {
	case tokEOF:
		return "end of file"
	case tokWord:
		return "word"
	case tokLParen:
		return "'('"
	case tokRParen:
		return "')'"
	case tokEq:
		return "'='"
	default:
		return "','"
	}
}

// token is one lexical element. lineStart is true when nothing but blanks precede it on its line.
type token struct {
	kind      tokKind
	text      string
	quoted    bool
	pos       Pos
	off       int // byte offset of the token's first byte
	lineStart bool
}

// describe names a token for error messages.
func (t token) describe() string {
	if t.kind == tokWord {
		return "\"" + t.text + "\""
	}
	return t.kind.String()
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// lexer splits a file into tokens. Lines end with LF; a CR before LF (or anywhere) is a blank.
type lexer struct {
	file      string
	data      []byte
	off       int
	line      int
	lineOff   int // offset of the current line's first byte
	lineStart bool
}

func newLexer(file string, data []byte) *lexer {
	data = bytes.TrimPrefix(data, utf8BOM)
	return &lexer{file: file, data: data, line: 1, lineStart: true}
}

func (l *lexer) pos() Pos { return Pos{File: l.file, Line: l.line, Col: l.off - l.lineOff + 1} }

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

// isSpecial reports bytes that end an unquoted word.
func isSpecial(c byte) bool {
	switch c {
	case '(', ')', '=', ',', '"', '\'', '#':
		return true
	}
	return isBlank(c) || c == '\n'
}

// resync moves to the first line after the one holding t that starts a parameter (a word in
// column 1), or to the end of the data. It is how a broken entry is skipped: Oracle clients
// still resolve the entries after it.
func (l *lexer) resync(t token) {
	line, off := t.pos.Line, t.off-(t.pos.Col-1)
	for {
		nl := bytes.IndexByte(l.data[off:], '\n')
		if nl < 0 {
			l.off, l.lineOff, l.line, l.lineStart = len(l.data), len(l.data), line, false
			return
		}
		off += nl + 1
		line++
		if off < len(l.data) && startsParameter(l.data[off]) {
			l.off, l.lineOff, l.line, l.lineStart = off, off, line, true
			return
		}
	}
}

// startsParameter reports whether c in column 1 starts a parameter.
func startsParameter(c byte) bool {
	return !isSpecial(c) && c >= 0x20 && c != 0x7f || c == '"' || c == '\''
}

// next returns the next token, skipping blanks, newlines and comments.
func (l *lexer) next() (token, error) {
	for l.off < len(l.data) {
		c := l.data[l.off]
		switch {
		case c == '\n':
			l.off++
			l.line++
			l.lineOff = l.off
			l.lineStart = true
		case isBlank(c):
			l.off++
		case c == '#':
			for l.off < len(l.data) && l.data[l.off] != '\n' {
				l.off++
			}
		case c < 0x20 || c == 0x7f:
			return token{}, errorf(l.pos(), "control character 0x%02x is not allowed", c)
		default:
			return l.token()
		}
	}
	return token{kind: tokEOF, pos: l.pos(), lineStart: l.lineStart}, nil
}

func (l *lexer) token() (token, error) {
	t := token{pos: l.pos(), off: l.off, lineStart: l.lineStart}
	l.lineStart = false
	c := l.data[l.off]
	switch c {
	case '(':
		t.kind = tokLParen
	case ')':
		t.kind = tokRParen
	case '=':
		t.kind = tokEq
	case ',':
		t.kind = tokComma
	case '"', '\'':
		return l.quoted(t, c)
	default:
		return l.word(t)
	}
	l.off++
	return t, nil
}

// word reads an unquoted word; a backslash before a reserved character makes it literal.
func (l *lexer) word(t token) (token, error) {
	var b strings.Builder
	for l.off < len(l.data) {
		c := l.data[l.off]
		if c == '\\' && l.off+1 < len(l.data) && isReserved(l.data[l.off+1]) {
			b.WriteByte(l.data[l.off+1])
			l.off += 2
			continue
		}
		if isSpecial(c) {
			break
		}
		if c < 0x20 || c == 0x7f {
			return token{}, errorf(l.pos(), "control character 0x%02x is not allowed", c)
		}
		b.WriteByte(c)
		l.off++
	}
	t.kind, t.text = tokWord, b.String()
	return t, nil
}

func isReserved(c byte) bool {
	switch c {
	case '(', ')', '=', '\\', '"', '\'', '#', ',':
		return true
	}
	return false
}

// quoted reads a value in quotes, which must close on the same line.
func (l *lexer) quoted(t token, q byte) (token, error) {
	l.off++
	var b strings.Builder
	for l.off < len(l.data) {
		c := l.data[l.off]
		switch {
		case c == '\\' && l.off+1 < len(l.data) && l.data[l.off+1] == q:
			b.WriteByte(q)
			l.off += 2
			continue
		case c == q:
			l.off++
			t.kind, t.text, t.quoted = tokWord, b.String(), true
			return t, nil
		case c == '\n':
			return token{}, errorf(t.pos, "quoted value is not closed before the end of the line")
		case c < 0x20 && c != '\t' && c != '\r' || c == 0x7f:
			return token{}, errorf(l.pos(), "control character 0x%02x is not allowed", c)
		}
		b.WriteByte(c)
		l.off++
	}
	return token{}, errorf(t.pos, "quoted value is not closed before the end of the file")
}
