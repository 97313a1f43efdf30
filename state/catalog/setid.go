package catalog

import (
	"fmt"
	"regexp"
	"time"
)

var (
	setIDRe  = regexp.MustCompile(`^\d{8}T\d{6}Z$`)
	serverRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
)

// ParseSetID checks that id is a set id (UTC time, 20261121T020000Z) and returns its time.
// Anything else, including names that would leave their folder, is rejected.
func ParseSetID(id string) (time.Time, error) {
	if !setIDRe.MatchString(id) {
		return time.Time{}, fmt.Errorf("set id %q: want the form 20261121T020000Z", id)
	}
	t, err := time.Parse(SetIDLayout, id)
	if err != nil {
		return time.Time{}, fmt.Errorf("set id %q: %w", id, err)
	}
	return t, nil
}

// SetID returns the set id of a set started at t.
func SetID(t time.Time) string { return t.UTC().Format(SetIDLayout) }

// validServer reports whether name can be a server folder (a DNS-1123 label, as manifest names are).
func validServer(name string) bool { return serverRe.MatchString(name) }
