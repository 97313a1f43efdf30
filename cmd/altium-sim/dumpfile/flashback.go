package dumpfile

import (
	"strconv"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// AsOf is u as an export with FLASHBACK_SCN=scn reads it at now (simdb's undo model):
// ORA-08181 for a number that is no valid SCN, ORA-01555 when the undo it needs is gone.
func AsOf(st *simdb.State, u *simdb.User, scn string, now time.Time) (*simdb.User, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(scn), 10, 64)
	if err != nil {
		return nil, simdb.Ora(simdb.ErrInvalidSCN, "specified number is not a valid system change number")
	}
	return st.AsOf(u, n, now)
}

// Unloaded is s without its tables' data: every table failed to unload (ORA-01555) and
// was skipped.
func Unloaded(s Schema) Schema {
	s.Tables = nil
	return s
}
