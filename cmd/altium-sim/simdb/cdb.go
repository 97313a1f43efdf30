package simdb

import "strings"

// Root is the root container's name.
const Root = "CDB$ROOT"

// CDB reports whether the database is a container database.
func (s *State) CDB() bool { return s.PDB != "" }

// IsCommon reports whether name is a common user, visible in every container: SYS,
// SYSTEM and the C## names. Every other user is local to the PDB.
func IsCommon(name string) bool {
	n := strings.ToUpper(name)
	return n == "SYS" || n == "SYSTEM" || strings.HasPrefix(n, "C##")
}

// RootView returns what a session in CDB$ROOT sees: the state with only the common users
// (the maps are copies; users are shared).
func (s *State) RootView() State {
	v := *s
	v.Users = map[string]*User{}
	for n, u := range s.Users {
		if IsCommon(n) {
			v.Users[n] = u
		}
	}
	return v
}

// Container returns the canonical name of a container (CDB$ROOT or the PDB), or "".
func (s *State) Container(name string) string {
	switch {
	case strings.EqualFold(name, Root):
		return Root
	case s.CDB() && strings.EqualFold(name, s.PDB):
		return strings.ToUpper(s.PDB)
	}
	return ""
}
