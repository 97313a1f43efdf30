package host

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// TNSEntry is a resolved tnsnames.ora alias.
type TNSEntry struct {
	Host    string
	Port    int
	Service string // SERVICE_NAME, or SID when no SERVICE_NAME
}

// RenderTnsnames returns a tnsnames.ora holding alias → host:1521/alias.
func RenderTnsnames(alias, host string) string { return RenderTnsnamesService(alias, host, alias) }

// RenderTnsnamesService is RenderTnsnames with another SERVICE_NAME (a PDB's service).
func RenderTnsnamesService(alias, host, service string) string {
	return fmt.Sprintf("# tnsnames.ora Network Configuration File\n\n%s =\n  (DESCRIPTION =\n"+
		"    (ADDRESS = (PROTOCOL = TCP)(HOST = %s)(PORT = 1521))\n"+
		"    (CONNECT_DATA =\n      (SERVER = DEDICATED)\n      (SERVICE_NAME = %s)\n    )\n  )\n",
		strings.ToUpper(alias), host, strings.ToUpper(service))
}

var (
	reHost    = regexp.MustCompile(`(?i)\(\s*HOST\s*=\s*([^)\s]+)\s*\)`)
	rePort    = regexp.MustCompile(`(?i)\(\s*PORT\s*=\s*(\d+)\s*\)`)
	reService = regexp.MustCompile(`(?i)\(\s*SERVICE_NAME\s*=\s*([^)\s]+)\s*\)`)
	reSID     = regexp.MustCompile(`(?i)\(\s*SID\s*=\s*([^)\s]+)\s*\)`)
	// reEasy is an Easy Connect value: [tcp://|//]host[:port]/service.
	reEasy = regexp.MustCompile(`(?i)^(?:tcps?://|//)?([^:/\s()]+)(?::(\d+))?/([^:/\s()]+)`)
)

// defaultDomain returns NAMES.DEFAULT_DOMAIN of the sqlnet.ora at path, "" without one.
func defaultDomain(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	domain := ""
	for _, line := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n") {
		line, _, _ = strings.Cut(line, "#")
		k, v, ok := strings.Cut(line, "=")
		if ok && strings.EqualFold(k, strings.TrimLeft(k, " \t")) && strings.EqualFold(strings.TrimSpace(k), "NAMES.DEFAULT_DOMAIN") {
			domain = strings.TrimSpace(v)
		}
	}
	return domain
}

// LookupTNS resolves alias (case-insensitive) in the tnsnames.ora at path. A keyword
// starts in column 1; comments run from '#' to the end of the line; the last entry wins, as
// in Oracle Net ("the alias on the bottom is the one used"); NAMES.DEFAULT_DOMAIN from a
// sqlnet.ora beside it is appended to an alias without a dot; Easy Connect values
// (host[:port]/service) are entries.
func LookupTNS(path, alias string) (TNSEntry, bool, error) {
	if d := defaultDomain(filepath.Join(filepath.Dir(path), "sqlnet.ora")); d != "" && !strings.Contains(alias, ".") {
		alias += "." + d
	}
	alias = strings.TrimSuffix(alias, ".")
	raw, err := os.ReadFile(path)
	if err != nil {
		return TNSEntry{}, false, fmt.Errorf("read tnsnames.ora %q: %w", path, err)
	}
	var entries []string // each: "aliases = descriptor..."
	for _, line := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' && line[0] != '(' && line[0] != ')' || len(entries) == 0 {
			entries = append(entries, line)
			continue
		}
		entries[len(entries)-1] += " " + line
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		names, desc, ok := strings.Cut(e, "=")
		if !ok {
			continue
		}
		for _, n := range strings.Split(names, ",") {
			if !strings.EqualFold(strings.TrimSpace(n), alias) {
				continue
			}
			var te TNSEntry
			if ez := reEasy.FindStringSubmatch(strings.TrimSpace(desc)); ez != nil {
				te.Host, te.Port, te.Service = ez[1], 1521, ez[3]
				if ez[2] != "" {
					te.Port, _ = strconv.Atoi(ez[2])
				}
				return te, true, nil
			}
			if m := reHost.FindStringSubmatch(desc); m != nil {
				te.Host = m[1]
			}
			if m := rePort.FindStringSubmatch(desc); m != nil {
				te.Port, _ = strconv.Atoi(m[1])
			}
			if m := reService.FindStringSubmatch(desc); m != nil {
				te.Service = m[1]
			} else if m := reSID.FindStringSubmatch(desc); m != nil {
				te.Service = m[1]
			}
			return te, true, nil
		}
	}
	return TNSEntry{}, false, nil
}
