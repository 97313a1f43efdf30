package oracli

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Params are the keyword=value parameters of a call, keys lower-case, in the order given;
// the parfile's lines are inserted where parfile= stood, as Oracle does.
type Params map[string]string

// Parse reads argv. The first argument without '=' is the USERID; keys are
// case-insensitive; values may be quoted; parfile=FILE reads KEY=value lines from FILE
// ('#' comments, several pairs per line allowed).
func Parse(argv []string) (Params, error) {
	p := Params{}
	for i, a := range argv {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			if i == 0 || p["userid"] == "" {
				if _, set := p["userid"]; !set {
					p["userid"] = a
					continue
				}
			}
			return nil, fmt.Errorf("LRM-00101: unknown parameter name '%s'", a)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = unquote(strings.TrimSpace(v))
		if k == "parfile" {
			if err := p.readParfile(v); err != nil {
				return nil, err
			}
			continue
		}
		p[k] = v
	}
	return p, nil
}

func (p Params) readParfile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("LRM-00109: could not open parameter file '%s'", path)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, tok := range splitPairs(line) {
			k, v, ok := strings.Cut(tok, "=")
			if !ok {
				return fmt.Errorf("LRM-00101: unknown parameter name '%s'", tok)
			}
			p[strings.ToLower(strings.TrimSpace(k))] = unquote(strings.TrimSpace(v))
		}
	}
	return sc.Err()
}

// splitPairs splits "a=1 b=2" into pairs, keeping quoted values whole.
func splitPairs(line string) []string {
	var out []string
	var cur strings.Builder
	quote := rune(0)
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote = r
			cur.WriteRune(r)
		case r == ' ' || r == '\t':
			if s := cur.String(); s != "" && !strings.HasSuffix(s, "=") {
				out = append(out, s)
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if s := cur.String(); s != "" {
		out = append(out, s)
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// List splits a comma-separated (optionally parenthesized) value into upper-case names.
func List(v string) []string {
	v = strings.Trim(strings.TrimSpace(v), "()")
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.ToUpper(strings.TrimSpace(unquote(strings.TrimSpace(x)))); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Yes reports whether a Y/N parameter is yes.
func Yes(v string) bool {
	v = strings.ToLower(v)
	return v == "y" || v == "yes" || v == "true"
}
