package sqlsim

import (
	"fmt"
	"strings"
)

// tokKind is the kind of a token.
type tokKind int

const (
	tWord   tokKind = iota // unquoted identifier or keyword, upper-cased
	tQuoted                // "quoted identifier", case kept, quotes removed
	tString                // 'string literal', '' unescaped
	tNumber
	tPunct // ( ) , . = * ; || != - etc.
)

type token struct {
	kind tokKind
	text string
}

func (t token) String() string {
	switch t.kind {
	case tQuoted:
		return `"` + t.text + `"`
	case tString:
		return "'" + strings.ReplaceAll(t.text, "'", "''") + "'"
	}
	return t.text
}

func isIdentStart(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '#'
}

// lex splits SQL text into tokens; comments are dropped.
func lex(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case isIdentStart(c) || c >= 0x80:
			j := i
			for j < len(s) && (isIdentChar(s[j]) || s[j] >= 0x80) {
				j++
			}
			out = append(out, token{tWord, strings.ToUpper(s[i:j])})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{tNumber, s[i:j]})
			i = j
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errQuote
			}
			out = append(out, token{tQuoted, s[i+1 : i+1+j]})
			i += j + 2
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, errQuote
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, token{tString, b.String()})
			i = j + 1
		case c == '|' && i+1 < len(s) && s[i+1] == '|', c == '!' && i+1 < len(s) && s[i+1] == '=':
			out = append(out, token{tPunct, s[i : i+2]})
			i += 2
		case strings.IndexByte("(),.=*;<>+-/%", c) >= 0:
			out = append(out, token{tPunct, string(c)})
			i++
		default:
			return nil, fmt.Errorf("invalid character %q", c)
		}
	}
	return out, nil
}

var errQuote = oraErr(1756, "quoted string not properly terminated")

// cursor walks tokens while matching a statement shape.
type cursor struct {
	toks []token
	pos  int
	bad  bool
}

func (c *cursor) peek() (token, bool) {
	if c.pos >= len(c.toks) {
		return token{}, false
	}
	return c.toks[c.pos], true
}

// kw consumes the keywords (unquoted words or punctuation) given, space-separated.
func (c *cursor) kw(words string) bool {
	if c.bad {
		return false
	}
	for _, w := range strings.Fields(words) {
		t, ok := c.peek()
		if !ok || t.kind == tQuoted || t.kind == tString || t.text != w {
			c.bad = true
			return false
		}
		c.pos++
	}
	return true
}

// opt consumes the keywords if they come next, reporting whether they did.
func (c *cursor) opt(words string) bool {
	save := c.pos
	if c.kw(words) {
		return true
	}
	c.pos, c.bad = save, false
	return false
}

// name consumes an identifier: unquoted (upper-cased) or quoted (as is).
func (c *cursor) name() string {
	if c.bad {
		return ""
	}
	t, ok := c.peek()
	if !ok || t.kind != tWord && t.kind != tQuoted {
		c.bad = true
		return ""
	}
	c.pos++
	return t.text
}

// str consumes a string literal.
func (c *cursor) str() string {
	t, ok := c.peek()
	if c.bad || !ok || t.kind != tString {
		c.bad = true
		return ""
	}
	c.pos++
	return t.text
}

// lit consumes the string literal want; any other literal marks the statement unknown.
func (c *cursor) lit(want string) {
	if c.str() != want {
		c.bad = true
	}
}

// end reports whether every token matched.
func (c *cursor) end() bool { return !c.bad && c.pos == len(c.toks) }
