package tnsnames

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultPort is the port of an Easy Connect value that names none.
const DefaultPort = 1521

// easyConnect is an Easy Connect value:
// [[protocol:]//]host[:port][/[service_name][:server][/instance_name]][?parameters].
type easyConnect struct {
	protocol, host                string
	port                          int
	service, server, instanceName string
}

// parseEasyConnect reads a one-word value as Easy Connect. ok is false for a word that is not
// one (no "//", ":" or "/": a plain parameter); err is set for one that is, but is malformed.
func parseEasyConnect(v string) (ez easyConnect, ok bool, err error) {
	s := v
	ez.protocol = "TCP"
	explicit := false
	if i := strings.Index(s, "://"); i > 0 {
		ez.protocol = strings.ToUpper(s[:i])
		s, explicit = s[i+3:], true
	} else if strings.HasPrefix(s, "//") {
		s, explicit = s[2:], true
	}
	if !explicit && !strings.ContainsAny(s, ":/") {
		return ez, false, nil
	}
	if ez.protocol != "TCP" && ez.protocol != "TCPS" {
		return ez, true, fmt.Errorf("Easy Connect %q: protocol %s is not tcp or tcps", v, strings.ToLower(ez.protocol))
	}
	s, _, _ = strings.Cut(s, "?") // parameters (connect_timeout=…) need '=', which ends a word anyway
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return ez, true, fmt.Errorf("Easy Connect %q: IPv6 address without ']'", v)
		}
		ez.host, s = s[1:end], s[end+1:]
	} else {
		i := strings.IndexAny(s, ":/")
		if i < 0 {
			i = len(s)
		}
		ez.host, s = s[:i], s[i:]
	}
	if ez.host == "" {
		return ez, true, fmt.Errorf("Easy Connect %q has no host", v)
	}
	ez.port = DefaultPort
	if strings.HasPrefix(s, ":") {
		p, rest, slash := strings.Cut(s[1:], "/")
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || p[0] == '+' {
			return ez, true, fmt.Errorf("Easy Connect %q: port %q is not a port number (1-65535)", v, p)
		}
		ez.port, s = n, ""
		if slash {
			s = "/" + rest
		}
	}
	if strings.HasPrefix(s, "/") {
		svc, inst, _ := strings.Cut(s[1:], "/")
		ez.service, ez.server, _ = strings.Cut(svc, ":")
		ez.instanceName = inst
	} else if s != "" {
		return ez, true, fmt.Errorf("Easy Connect %q: unexpected %q after the host", v, s)
	}
	return ez, true, nil
}

// node is the connect descriptor Oracle builds from the Easy Connect value.
func (ez easyConnect) node(at Pos) *Node {
	val := func(k, v string) *Node { return &Node{Key: k, Value: v, Pos: at} }
	addr := &Node{Key: "ADDRESS", Pos: at, Children: []*Node{val("PROTOCOL", ez.protocol), val("HOST", ez.host), val("PORT", strconv.Itoa(ez.port))}}
	desc := &Node{Key: "DESCRIPTION", Pos: at, Children: []*Node{addr}}
	cd := &Node{Key: "CONNECT_DATA", Pos: at, Children: []*Node{}}
	if ez.service != "" {
		cd.Children = append(cd.Children, val("SERVICE_NAME", ez.service))
	}
	if ez.server != "" {
		cd.Children = append(cd.Children, val("SERVER", strings.ToUpper(ez.server)))
	}
	if ez.instanceName != "" {
		cd.Children = append(cd.Children, val("INSTANCE_NAME", ez.instanceName))
	}
	if len(cd.Children) > 0 {
		desc.Children = append(desc.Children, cd)
	}
	return desc
}
