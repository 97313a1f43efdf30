package host

import (
	"fmt"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// Tick is the simulated application, run lazily at the start of every tool call and of
// verify. While the Altium site serves and the application can log on with the
// LocalVault.ini credentials, it holds IIS.AppSessions sessions of the schema user and
// makes one change: the schema's generation and the file storage's generation each go
// up by one (a row is added to one table, an activity document is written). The two
// counters move together, so a pair captured at different moments stays apart forever.
// extraSessions are sessions held regardless of IIS (fault "sessions: N").
func (h Host) Tick(extraSessions int) error {
	db, err := simdb.Open(h.Root)
	if err != nil {
		return fmt.Errorf("application tick: %w", err)
	}
	defer db.Close()
	iis, err := h.ReadIIS()
	if err != nil {
		return fmt.Errorf("application tick: %w", err)
	}
	lv, lvErr := ReadLocalVault(h.LocalVault())
	var u *simdb.User
	if lvErr == nil {
		u = db.User(lv.User)
	}
	if u == nil {
		return nil // no schema: the application cannot run, nothing holds sessions
	}
	_, loginErr := db.Login(lv.User, lv.Password)
	running := iis.AppRunning() && loginErr == nil
	u.Sessions = extraSessions
	if running {
		u.Sessions += iis.AppSessions
		fg, _, err := h.FilesGeneration()
		if err != nil {
			return fmt.Errorf("application tick: %w", err)
		}
		if err := h.WriteFilesGeneration(fg + 1); err != nil {
			return fmt.Errorf("application tick: %w", err)
		}
		db.AppChange(u, time.Now()) // a new SCN, its undo kept for UNDO_RETENTION
	}
	return db.Save()
}

// WithLock runs fn while holding the host lock (the database lock), for changes to the
// host's files that must not interleave with other tool processes.
func (h Host) WithLock(fn func(db *simdb.DB) error) error {
	db, err := simdb.Open(h.Root)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}
