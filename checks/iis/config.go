package iis

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/vaultkeeper/vaultkeeper/manifests/capread"
)

// Limits on input.
const (
	// MaxFileSize is the largest file accepted (applicationHost.config is usually < 1 MB).
	MaxFileSize = 16 << 20
	// MaxDepth is the deepest element nesting accepted.
	MaxDepth = 64
)

// Config is what vaultkeeper needs of applicationHost.config.
type Config struct {
	Sites []Site
}

// Site is one IIS site with its effective bindings (site defaults applied).
type Site struct {
	Name     string
	ID       int
	Bindings []Binding
}

// Site returns the site named name, compared case-insensitively as IIS does.
func (c *Config) Site(name string) (*Site, bool) {
	for i := range c.Sites {
		if strings.EqualFold(c.Sites[i].Name, name) {
			return &c.Sites[i], true
		}
	}
	return nil, false
}

// Error is a problem at a place in the file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
	Err       error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s:%d:%d: %s: %v", e.File, e.Line, e.Col, e.Msg, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// ParseFile reads the applicationHost.config at path.
func ParseFile(path string) (*Config, error) {
	data, err := capread.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("read applicationHost.config: %w", err) // err names the file
	}
	return Parse(path, data)
}

// collection is a <bindings> element's operations, applied over the site defaults.
type collection struct {
	present bool
	clear   bool
	ops     []op
}

// op adds a binding, or removes the one with the same protocol and information.
type op struct {
	remove bool
	b      Binding
}

type rawSite struct {
	site     Site
	bindings collection
}

// Parse reads an applicationHost.config held in memory; name is used in errors.
func Parse(name string, data []byte) (*Config, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("file is more than %d bytes", MaxFileSize)}
	}
	data, err := toUTF8(data)
	if err != nil {
		return nil, &Error{File: name, Line: 1, Col: 1, Msg: "decoding", Err: err}
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "utf-16", "utf-16le", "unicode":
			return r, nil // UTF-16 was converted to UTF-8 before decoding
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	p := &parser{name: name, d: d}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.result(), nil
}

type parser struct {
	name     string
	d        *xml.Decoder
	stack    []string
	sites    []*rawSite
	defaults collection
	cur      *collection // the <bindings> being read
	site     *rawSite
}

func (p *parser) errorf(err error, format string, args ...any) *Error {
	line, col := p.d.InputPos()
	return &Error{File: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Err: err}
}

// path reports whether the open elements end with want (the element being read last).
func (p *parser) path(want ...string) bool {
	if len(p.stack) < len(want) {
		return false
	}
	for i, w := range want {
		if p.stack[len(p.stack)-len(want)+i] != w {
			return false
		}
	}
	return true
}

func (p *parser) run() error {
	for {
		tok, err := p.d.Token()
		if err == io.EOF {
			if len(p.stack) > 0 {
				return p.errorf(nil, "unexpected end of file inside <%s>", p.stack[len(p.stack)-1])
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &Error{File: p.name, Line: se.Line, Col: 0, Msg: "XML syntax", Err: err}
			}
			return p.errorf(err, "XML")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(p.stack) >= MaxDepth {
				return p.errorf(nil, "elements nested more than %d deep", MaxDepth)
			}
			p.stack = append(p.stack, t.Name.Local)
			if err := p.start(t); err != nil {
				return err
			}
		case xml.EndElement:
			p.end()
			p.stack = p.stack[:len(p.stack)-1]
		}
	}
}

func attr(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

const sitesPath = "system.applicationHost"

func (p *parser) start(t xml.StartElement) error {
	switch {
	case p.path("configuration", sitesPath, "sites", "site"):
		name, _ := attr(t, "name")
		s := &rawSite{site: Site{Name: name}}
		if v, ok := attr(t, "id"); ok {
			id, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || id < 0 {
				return p.errorf(nil, "site %q: id %q is not a number", name, v)
			}
			s.site.ID = id
		}
		p.sites = append(p.sites, s)
		p.site = s
	case p.path("configuration", sitesPath, "sites", "site", "bindings"):
		p.cur = &p.site.bindings
		p.cur.present = true
	case p.path("configuration", sitesPath, "sites", "siteDefaults", "bindings"):
		p.cur = &p.defaults
		p.cur.present = true
	case p.cur != nil && p.path("bindings", "clear"):
		p.cur.clear, p.cur.ops = true, nil
	case p.cur != nil && p.path("bindings", "binding"):
		b, err := p.binding(t)
		if err != nil {
			return err
		}
		p.cur.ops = append(p.cur.ops, op{b: b})
	case p.cur != nil && p.path("bindings", "remove"):
		b, err := p.binding(t)
		if err != nil {
			return err
		}
		p.cur.ops = append(p.cur.ops, op{remove: true, b: b})
	}
	return nil
}

func (p *parser) end() {
	switch {
	case p.path("configuration", sitesPath, "sites", "site"):
		p.site = nil
	case p.cur != nil && len(p.stack) > 0 && p.stack[len(p.stack)-1] == "bindings":
		p.cur = nil
	}
}

func (p *parser) binding(t xml.StartElement) (Binding, error) {
	b := Binding{}
	b.Protocol, _ = attr(t, "protocol")
	b.Information, _ = attr(t, "bindingInformation")
	if parsesInformation(b.Protocol) {
		ip, port, host, err := parseInformation(b.Information)
		if err != nil {
			return b, p.errorf(err, "binding of %s", p.owner())
		}
		b.IP, b.Port, b.Host = ip, port, host
	}
	if v, ok := attr(t, "sslFlags"); ok {
		f, err := parseSSLFlags(v)
		if err != nil {
			return b, p.errorf(err, "binding of %s", p.owner())
		}
		b.SSLFlags = f
	}
	return b, nil
}

func (p *parser) owner() string {
	if p.site != nil {
		return fmt.Sprintf("site %q", p.site.site.Name)
	}
	return "siteDefaults"
}

// result applies the site defaults to each site's bindings.
func (p *parser) result() *Config {
	c := &Config{Sites: []Site{}}
	for _, s := range p.sites {
		var bs []Binding
		if !s.bindings.clear {
			bs = apply(nil, p.defaults)
		}
		s.site.Bindings = apply(bs, s.bindings)
		if s.site.Bindings == nil {
			s.site.Bindings = []Binding{}
		}
		c.Sites = append(c.Sites, s.site)
	}
	return c
}

// apply runs a collection's operations, in order, over inherited bindings.
func apply(inherited []Binding, col collection) []Binding {
	out := append([]Binding(nil), inherited...)
	for _, o := range col.ops {
		if !o.remove {
			out = append(out, o.b)
			continue
		}
		kept := out[:0]
		for _, b := range out {
			if !strings.EqualFold(o.b.Protocol, b.Protocol) || o.b.Information != b.Information {
				kept = append(kept, b)
			}
		}
		out = kept
	}
	return out
}

// toUTF8 converts a UTF-16 file (with a byte order mark) to UTF-8 and drops a UTF-8 one.
func toUTF8(data []byte) ([]byte, error) {
	var be bool
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		be = true
	default:
		return data, nil
	}
	b := data[2:]
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("UTF-16 text of odd length %d", len(b))
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		if be {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	return []byte(string(utf16.Decode(u))), nil
}
