package tnsnames

import (
	"fmt"
	"strconv"
	"strings"
)

// Entry is one net service name entry.
type Entry struct {
	// Aliases are the names the entry is defined under, as written.
	Aliases []string
	// Protocol (upper case), Host and Port are those of the first address of the first
	// description; Port is 0 when the address has none (IPC, for example).
	Protocol string
	Host     string
	Port     int
	// ServiceName and SID come from the first description's CONNECT_DATA.
	ServiceName string
	SID         string
	// Descriptor is the first description on one line, keywords upper-cased, a parameter given
	// twice written once with its last value, usable as a go-ora connect string: (DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=XE))).
	Descriptor string
	// Pos is where the entry's first alias is written.
	Pos Pos
	// Warnings name parameters given twice in one list (the last value is used, as Oracle
	// Net does).
	Warnings []string
	// Root is the whole parsed value (a DESCRIPTION, DESCRIPTION_LIST or address).
	Root *Node
}

// HostPort returns "host:port" of the entry's first address.
func (e *Entry) HostPort() string { return e.Host + ":" + strconv.Itoa(e.Port) }

func newEntry(names []string, root *Node, at Pos) (*Entry, error) {
	e := &Entry{Aliases: names, Pos: at, Root: root}
	alias := names[0]
	if len(root.String()) > MaxDescriptor {
		return nil, errorf(at, "the descriptor of %s is longer than Oracle's %d byte limit", alias, MaxDescriptor)
	}
	var desc *Node
	switch root.Key {
	case "DESCRIPTION_LIST":
		desc = root.Child("DESCRIPTION")
		if desc == nil {
			return nil, errorf(root.Pos, "the DESCRIPTION_LIST of %s holds no DESCRIPTION", alias)
		}
	case "DESCRIPTION":
		desc = root
	case "ADDRESS", "ADDRESS_LIST":
		desc = &Node{Key: "DESCRIPTION", Children: []*Node{root}, Pos: root.Pos}
	default:
		return nil, errorf(root.Pos, "%s: expected DESCRIPTION, DESCRIPTION_LIST or ADDRESS, got %s", alias, root.Key)
	}
	if desc.Children == nil {
		return nil, errorf(desc.Pos, "the DESCRIPTION of %s holds a value instead of (KEY=VALUE) pairs", alias)
	}
	addr := firstAddress(desc)
	if addr == nil {
		return nil, errorf(desc.Pos, "the DESCRIPTION of %s has no ADDRESS", alias)
	}
	if n := addr.Param("PROTOCOL"); n != nil {
		e.Protocol = strings.ToUpper(n.Value)
	}
	if n := addr.Param("HOST"); n != nil {
		e.Host = n.Value
	}
	if n := addr.Param("PORT"); n != nil {
		port, err := strconv.Atoi(n.Value)
		if err != nil || port < 1 || port > 65535 || n.Children != nil {
			return nil, errorf(n.Pos, "PORT %q of %s is not a port number (1-65535)", n.Value, alias)
		}
		e.Port = port
	}
	if cd := desc.Param("CONNECT_DATA"); cd != nil {
		if n := cd.Param("SERVICE_NAME"); n != nil {
			e.ServiceName = n.Value
		}
		if n := cd.Param("SID"); n != nil {
			e.SID = n.Value
		}
	}
	e.Descriptor = desc.String()
	e.Warnings = repeated(root, alias, nil)
	return e, nil
}

// repeated lists the parameters given more than once in one list of n and below.
func repeated(n *Node, alias string, out []string) []string {
	seen := map[string]*Node{}
	for _, c := range n.Children {
		if prev, ok := seen[c.Key]; ok && !isList(c.Key) {
			val := c.Value
			if c.Children != nil {
				val = c.String()
			}
			out = append(out, fmt.Sprintf("%s: %s of %s is given again in the same (%s=…) after %s; Oracle Net uses the last value, %s",
				c.Pos, c.Key, alias, n.Key, prev.Pos, val))
		}
		seen[c.Key] = c
		out = repeated(c, alias, out)
	}
	return out
}

// firstAddress returns the first ADDRESS in document order, looking into ADDRESS_LISTs.
func firstAddress(n *Node) *Node {
	for _, c := range n.Children {
		switch c.Key {
		case "ADDRESS":
			return c
		case "ADDRESS_LIST":
			if a := firstAddress(c); a != nil {
				return a
			}
		}
	}
	return nil
}
