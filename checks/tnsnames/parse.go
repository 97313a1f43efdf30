package tnsnames

import (
	"errors"
	"strings"
)

// Limits on input, so that no file makes the parser allocate without bound.
const (
	// MaxFileSize is the largest file accepted, per file (includes are counted separately).
	MaxFileSize = 1 << 20
	// MaxDepth is the deepest nesting of parentheses accepted.
	MaxDepth = 32
	// MaxIncludeDepth is the deepest chain of IFILE includes accepted.
	MaxIncludeDepth = 8
	// MaxIncludes is the number of IFILE includes accepted in total.
	MaxIncludes = 64
	// MaxDescriptor is Oracle's documented limit on the length of a connect descriptor.
	MaxDescriptor = 4096
)

// Node is one (KEY=VALUE) pair of a descriptor. Key is upper-cased (keywords are
// case-insensitive); a pair holds either a Value or, when its value is a list, Children.
type Node struct {
	Key      string
	Value    string
	Children []*Node
	Pos      Pos
}

// Child returns the first child whose key is key (upper case), or nil.
func (n *Node) Child(key string) *Node {
	for _, c := range n.Children {
		if c.Key == key {
			return c
		}
	}
	return nil
}

// Param returns the last child whose key is key (upper case), or nil: a parameter given
// twice in one list takes its last value, as Oracle Net reads it.
func (n *Node) Param(key string) *Node {
	for i := len(n.Children) - 1; i >= 0; i-- {
		if n.Children[i].Key == key {
			return n.Children[i]
		}
	}
	return nil
}

// isList reports keys that may repeat in one list as alternatives, not as a parameter given
// twice: descriptions and addresses.
func isList(key string) bool {
	switch key {
	case "DESCRIPTION", "ADDRESS", "ADDRESS_LIST":
		return true
	}
	return false
}

// Param is a top-level parameter whose value is a single word, other than IFILE.
type Param struct {
	Names []string
	Value string
	Pos   Pos
}

// parser reads one file; includes start a parser of their own that shares the state.
type parser struct {
	lx      *lexer
	tok     token
	st      *state
	depth   int // IFILE depth of this file
	nest    int // open parentheses
	current string
	start   Pos
	first   token    // the current parameter's first token
	names   []string // the current parameter's names, once read
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	if p.nest > 0 && t.kind == tokWord && t.lineStart && t.pos.Col == 1 {
		return errorf(t.pos, "missing ')' in %s (started at line %d): %s in column 1 starts a new parameter; indent continuation lines",
			p.current, p.start.Line, t.describe())
	}
	p.tok = t
	return nil
}

// parse reads parameters until the end of the file. A syntax error in one parameter is
// recorded (File.Errors, and File.Broken when its names were read) and the parser goes on at
// the next line that starts a parameter, as Oracle clients resolve the other entries; only
// errors that bound the work (limits, an include that failed as a whole) end the file.
func (p *parser) parse() error {
	err := p.advance()
	for {
		if err != nil {
			var fe *fatalError
			if errors.As(err, &fe) {
				return fe
			}
			p.st.out.broken(p.names, p.first.pos, err)
			p.lx.resync(p.first)
			// Resume from here: an error before the next parameter starts resyncs past this
			// line, so every resync moves forward.
			p.first = token{pos: p.lx.pos(), off: p.lx.off}
			p.nest, p.names = 0, nil
			err = p.advance()
			continue
		}
		if p.tok.kind == tokEOF {
			return nil
		}
		err = p.parameter()
	}
}

// fatalError ends the parsing of a file instead of skipping one entry.
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }

func (p *parser) parameter() error {
	t := p.tok
	p.first, p.names = t, nil
	switch {
	case t.kind == tokLParen:
		return errorf(t.pos, "'(' outside any entry: the previous entry's parentheses are already closed (one ')' too many?)")
	case t.kind != tokWord:
		return errorf(t.pos, "expected a net service name, got %s", t.describe())
	case !t.lineStart || t.pos.Col != 1:
		return errorf(t.pos, "%s must start in column 1: an indented line continues the previous parameter", t.describe())
	}
	names := []string{t.text}
	p.start, p.current = t.pos, t.text
	if err := p.advance(); err != nil {
		return err
	}
	for p.tok.kind == tokComma {
		if err := p.advance(); err != nil {
			return err
		}
		if p.tok.kind != tokWord || p.tok.text == "" {
			return errorf(p.tok.pos, "expected an alias after ',', got %s", p.tok.describe())
		}
		names = append(names, p.tok.text)
		if err := p.advance(); err != nil {
			return err
		}
	}
	p.names = names
	if p.tok.kind != tokEq {
		return errorf(p.tok.pos, "expected '=' after %s, got %s", strings.Join(names, ", "), p.tok.describe())
	}
	if err := p.advance(); err != nil {
		return err
	}
	switch p.tok.kind {
	case tokLParen:
		node, err := p.list()
		if err != nil {
			return err
		}
		p.st.out.add(names, node, t.pos)
		return nil
	case tokWord:
		return p.word(names, t.pos)
	default:
		return errorf(p.tok.pos, "expected a value after %s =, got %s", strings.Join(names, ", "), p.tok.describe())
	}
}

// word handles NAME = value: an IFILE include or a plain parameter.
func (p *parser) word(names []string, at Pos) error {
	v := p.tok
	if err := p.advance(); err != nil {
		return err
	}
	if p.tok.kind == tokWord && !(p.tok.lineStart && p.tok.pos.Col == 1) {
		return errorf(p.tok.pos, "the value of %s contains a space: quote it", names[0])
	}
	isInclude := false
	for _, n := range names {
		if strings.EqualFold(n, "IFILE") {
			isInclude = true
		}
	}
	if !isInclude {
		ez, ok, err := parseEasyConnect(v.text)
		if err != nil {
			p.st.out.broken(names, at, &Error{Pos: v.pos, Msg: err.Error()})
			return nil
		}
		if ok {
			p.st.out.add(names, ez.node(v.pos), at)
			return nil
		}
		p.st.out.Params = append(p.st.out.Params, Param{Names: names, Value: v.text, Pos: at})
		return nil
	}
	if len(names) > 1 {
		return errorf(at, "IFILE cannot share its value with other names")
	}
	p.names = nil // an include that fails is not a broken entry
	return p.st.include(p, v.text, v.pos)
}

// list reads "(KEY=VALUE)" or "(KEY=(…)(…))" starting at the current '('.
func (p *parser) list() (*Node, error) {
	open := p.tok
	if p.nest >= MaxDepth {
		return nil, errorf(open.pos, "parentheses nested more than %d deep", MaxDepth)
	}
	p.nest++
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokWord || p.tok.text == "" {
		return nil, errorf(p.tok.pos, "expected a keyword after '(', got %s", p.tok.describe())
	}
	n := &Node{Key: strings.ToUpper(p.tok.text), Pos: p.tok.pos}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokEq {
		return nil, errorf(p.tok.pos, "expected '=' after keyword %s, got %s", n.Key, p.tok.describe())
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tokWord:
		n.Value = p.tok.text
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tokWord {
			return nil, errorf(p.tok.pos, "the value of %s contains a space: quote it", n.Key)
		}
	case tokLParen:
		n.Children = []*Node{}
		for p.tok.kind == tokLParen {
			c, err := p.list()
			if err != nil {
				return nil, err
			}
			n.Children = append(n.Children, c)
		}
	}
	if p.tok.kind != tokRParen {
		if p.tok.kind == tokEOF {
			return nil, errorf(open.pos, "missing ')' for (%s= before the end of the file", n.Key)
		}
		return nil, errorf(p.tok.pos, "expected ')' to close (%s= opened at line %d column %d, got %s",
			n.Key, open.pos.Line, open.pos.Col, p.tok.describe())
	}
	p.nest-- // before reading on: the token after the last ')' may start a new parameter
	return n, p.advance()
}

func (n *Node) String() string {
	var b strings.Builder
	render(&b, n)
	return b.String()
}

// render writes n on one line with upper-case keywords, quoting values that need it. A
// parameter given twice in one list is written once, with its last value, so that a driver
// reading the descriptor cannot pick the other one.
func render(b *strings.Builder, n *Node) {
	b.WriteByte('(')
	b.WriteString(n.Key)
	b.WriteByte('=')
	if n.Children != nil {
		for i, c := range n.Children {
			if !isList(c.Key) && laterParam(n.Children[i+1:], c.Key) {
				continue
			}
			render(b, c)
		}
	} else {
		writeValue(b, n.Value)
	}
	b.WriteByte(')')
}

func laterParam(rest []*Node, key string) bool {
	for _, c := range rest {
		if c.Key == key {
			return true
		}
	}
	return false
}

// writeValue writes v, quoted when it holds blanks or reserved characters. The quote is one
// that v does not contain; when v holds both kinds, '"' is escaped with a backslash.
func writeValue(b *strings.Builder, v string) {
	needs := false
	for i := 0; i < len(v); i++ {
		if isReserved(v[i]) || isBlank(v[i]) {
			needs = true
			break
		}
	}
	switch {
	case !needs:
		b.WriteString(v)
	case !strings.Contains(v, "\""):
		b.WriteString("\"" + v + "\"")
	case !strings.Contains(v, "'"):
		b.WriteString("'" + v + "'")
	default:
		b.WriteString("\"" + strings.ReplaceAll(v, "\"", "\\\"") + "\"")
	}
}
