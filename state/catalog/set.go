package catalog

import "time"

// Root is a folder sets are written to for a policy: its destination or one of its copies.
type Root struct {
	Policy      string
	Destination string
	Replica     bool
}

// Set is one backup set found on disk.
type Set struct {
	ID     string    // the folder name, the UTC start time
	Time   time.Time // parsed from ID
	Server string
	Policy string // from vaultkeeper.json
	// Dir is the set's folder; Destination the root it was found under.
	Dir, Destination string
	Replica          bool
	Meta             *Meta
}

// Complete reports whether the record lists the three files of a set (zip, dump, log).
func (s Set) Complete() bool { return s.Meta.Complete() }

// Verified reports whether the newest L1 and the newest L2 verification both passed.
func (s Set) Verified() bool { return s.Meta.Verified() }

// Complete reports whether m lists a file for each role: files, dump and log.
func (m *Meta) Complete() bool {
	roles := map[string]bool{}
	for _, f := range m.Files {
		roles[f.Role] = true
	}
	return roles[RoleFiles] && roles[RoleDump] && roles[RoleLog]
}

// LastVerification returns the newest verification of level, if any.
func (m *Meta) LastVerification(level string) (Verification, bool) {
	for i := len(m.Verifications) - 1; i >= 0; i-- {
		if m.Verifications[i].Level == level {
			return m.Verifications[i], true
		}
	}
	return Verification{}, false
}

// Verified reports whether the newest L1 and the newest L2 verification both passed.
func (m *Meta) Verified() bool {
	l1, ok1 := m.LastVerification(LevelL1)
	l2, ok2 := m.LastVerification(LevelL2)
	return ok1 && ok2 && l1.OK && l2.OK
}

// LastVerified is the time of the older of the newest passing L1 and L2 verifications, or
// zero when the set is not verified.
func (m *Meta) LastVerified() time.Time {
	if !m.Verified() {
		return time.Time{}
	}
	l1, _ := m.LastVerification(LevelL1)
	l2, _ := m.LastVerification(LevelL2)
	if l1.Time.Before(l2.Time) {
		return l1.Time
	}
	return l2.Time
}

// Sizes are the byte sizes of a set: every file, and the files and dump roles.
type Sizes struct {
	Total, Files, Dump int64
}

// Sizes adds up the sizes m records.
func (m *Meta) Sizes() Sizes {
	var s Sizes
	for _, f := range m.Files {
		s.Total += f.Size
		switch f.Role {
		case RoleFiles:
			s.Files = f.Size
		case RoleDump:
			s.Dump = f.Size
		}
	}
	return s
}
