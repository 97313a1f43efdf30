package host

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// LocalVault holds the keys of LocalVault.ini that the restore seed names.
type LocalVault struct {
	Domain, WebsiteDomain, DataSourceType, User, Password, DBLocation, DatabaseName string
}

// Keys returns the keys in file order, for writing and reporting.
func (lv LocalVault) Keys() [][2]string {
	return [][2]string{{"Domain", lv.Domain}, {"WebsiteDomain", lv.WebsiteDomain},
		{"DataSourceType", lv.DataSourceType}, {"User", lv.User}, {"Password", lv.Password},
		{"DBLocation", lv.DBLocation}, {"DatabaseName", lv.DatabaseName}}
}

// Render returns the file content: a comment, then Key=Value lines, CRLF, no section.
func (lv LocalVault) Render() string {
	var b strings.Builder
	b.WriteString("; Altium server local vault settings\r\n")
	for _, kv := range lv.Keys() {
		fmt.Fprintf(&b, "%s=%s\r\n", kv[0], kv[1])
	}
	return b.String()
}

// ReadLocalVault parses an INI file (sections, ';'/'#' comments, CRLF or LF tolerated;
// keys case-insensitive, the last occurrence wins).
func ReadLocalVault(path string) (LocalVault, error) {
	f, err := os.Open(path)
	if err != nil {
		return LocalVault{}, fmt.Errorf("read LocalVault.ini %q: %w", path, err)
	}
	defer f.Close()
	var lv LocalVault
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == ';' || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "domain":
			lv.Domain = v
		case "websitedomain":
			lv.WebsiteDomain = v
		case "datasourcetype":
			lv.DataSourceType = v
		case "user":
			lv.User = v
		case "password":
			lv.Password = v
		case "dblocation":
			lv.DBLocation = v
		case "databasename":
			lv.DatabaseName = v
		}
	}
	if err := sc.Err(); err != nil {
		return LocalVault{}, fmt.Errorf("read LocalVault.ini %q: %w", path, err)
	}
	return lv, nil
}
