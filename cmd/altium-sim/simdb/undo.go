package simdb

import (
	"strings"
	"time"
)

// The SCN and undo model. Every change the application commits (host.Tick) takes the next
// system change number and leaves an undo record: the schema's generation and the changed
// table's row count before the change. A read as of an earlier SCN (exp/expdp
// FLASHBACK_SCN) applies the undo of every later change of that schema, newest first. Undo
// is kept for UNDO_RETENTION seconds after its change; a read that needs undo older than
// that fails with ORA-01555, as Oracle's does once the undo has been overwritten (the
// simulator overwrites it as soon as it expires; Oracle may keep expired undo longer).
// SCN 0, or one above the current SCN, is ORA-08181. Flashback across DDL (ORA-01466) is
// not modelled: dropping a user forgets its undo.

// BaseSCN is the SCN of a database that has recorded no change yet (real SCNs are large).
const BaseSCN = 1_000_000

// DefaultUndoRetention is Oracle's default UNDO_RETENTION, in seconds.
const DefaultUndoRetention = 900

// UndoRecord is the before image of one application change.
type UndoRecord struct {
	SCN        int64     `json:"scn"` // the change's commit SCN
	At         time.Time `json:"at"`  // when it was committed
	User       string    `json:"user"`
	Generation int64     `json:"generation"`
	Table      int       `json:"table"` // index into Tables; -1: none
	Rows       int64     `json:"rows"`
}

// Oracle's codes of a read as of an SCN that cannot be answered.
const (
	ErrSnapshotTooOld = 1555
	ErrInvalidSCN     = 8181
)

// CurrentSCN is SELECT CURRENT_SCN FROM V$DATABASE.
func (s *State) CurrentSCN() int64 { return max(s.SCN, BaseSCN) }

// Retention is UNDO_RETENTION.
func (s *State) Retention() time.Duration {
	if s.UndoRetention == nil {
		return DefaultUndoRetention * time.Second
	}
	return time.Duration(*s.UndoRetention) * time.Second
}

// AppChange commits one change of the application to u at now: the generation goes up
// by one and one table gains a row; the before image goes to undo.
func (s *State) AppChange(u *User, now time.Time) {
	s.expire(now)
	s.SCN = s.CurrentSCN() + 1
	rec := UndoRecord{SCN: s.SCN, At: now.UTC(), User: u.Name, Generation: u.Generation, Table: -1}
	u.Generation++
	if n := len(u.Tables); n > 0 {
		rec.Table = int(u.Generation % int64(n))
		rec.Rows = u.Tables[rec.Table].Rows
		u.Tables[rec.Table].Rows++
	}
	s.Undo = append(s.Undo, rec)
}

// expire overwrites the undo older than the retention.
func (s *State) expire(now time.Time) {
	keep := s.Undo[:0]
	for _, r := range s.Undo {
		if now.Sub(r.At) >= s.Retention() {
			s.UndoLost = max(s.UndoLost, r.SCN)
			continue
		}
		keep = append(keep, r)
	}
	s.Undo = keep
}

// ForgetUndo drops the undo of user (DROP USER).
func (s *State) ForgetUndo(user string) {
	keep := s.Undo[:0]
	for _, r := range s.Undo {
		if !strings.EqualFold(r.User, user) {
			keep = append(keep, r)
		}
	}
	s.Undo = keep
}

// AsOf returns a copy of u as it was at scn, read at now.
func (s *State) AsOf(u *User, scn int64, now time.Time) (*User, error) {
	if scn <= 0 || scn > s.CurrentSCN() {
		return nil, Ora(ErrInvalidSCN, "specified number is not a valid system change number")
	}
	c := *u
	c.Tables = append([]Table(nil), u.Tables...)
	tooOld := Ora(ErrSnapshotTooOld, `snapshot too old: rollback segment number 7 with name "_SYSSMU7_1551502737$" too small`)
	if scn < s.UndoLost {
		return nil, tooOld
	}
	for i := len(s.Undo) - 1; i >= 0; i-- {
		r := s.Undo[i]
		if r.SCN <= scn || r.User != u.Name {
			continue
		}
		if now.Sub(r.At) >= s.Retention() {
			return nil, tooOld
		}
		c.Generation = r.Generation
		if r.Table >= 0 && r.Table < len(c.Tables) {
			c.Tables[r.Table].Rows = r.Rows
		}
	}
	return &c, nil
}

// CanExecute reports whether u may execute package pkg (SYS.DBMS_FLASHBACK): an EXECUTE
// grant, or the DBA role (EXECUTE ANY PROCEDURE).
func (u *User) CanExecute(pkg string) bool {
	return u.HasRole("DBA") || contains(u.ExecPrivs, strings.ToUpper(pkg))
}
