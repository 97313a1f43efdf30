package lease

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/internal/atomicfile"
)

// FileName is the lease's file in the server's install dir.
const FileName = "vaultkeeper.lease"

// DefaultTTL is how long a lease lives without a heartbeat.
const DefaultTTL = 2 * time.Minute

// Owner identifies a lease holder.
type Owner struct {
	Agent string `json:"agent"`
	// StateID is the holder's state dir instance id (dirlock.InstanceID).
	StateID string `json:"stateID"`
	Host    string `json:"host,omitempty"`
	PID     int    `json:"pid,omitempty"`
}

// Same reports whether o and p are the same agent with the same state dir.
func (o Owner) Same(p Owner) bool { return o.Agent == p.Agent && o.StateID == p.StateID }

// Info is the lease file's content.
type Info struct {
	Owner
	// Run is what the lease is held for (a run id or a runbook name), for the error message.
	Run      string    `json:"run,omitempty"`
	Acquired time.Time `json:"acquired"`
	Renewed  time.Time `json:"renewed"`
	Expires  time.Time `json:"expires"`
}

// ErrHeld is wrapped by the errors of Acquire and Renew when another live agent holds the lease.
var ErrHeld = errors.New("server is leased by another agent")

// HeldError names the holder.
type HeldError struct {
	Path   string
	Holder Info
}

func (e *HeldError) Error() string {
	h := e.Holder
	return fmt.Sprintf("%s: %v: agent %q (state dir %s, pid %d on %s) holds it for %s until %s",
		e.Path, ErrHeld, h.Agent, h.StateID, h.PID, h.Host, h.Run, h.Expires.UTC().Format(time.RFC3339))
}

func (e *HeldError) Unwrap() error { return ErrHeld }

// Lease is a held lease.
type Lease struct {
	dir  string
	ttl  time.Duration
	info Info
	// TookOver describes the stale lease this one replaced ("" when there was none).
	TookOver string
}

// Path is the lease's path in installDir.
func Path(installDir string) string { return filepath.Join(installDir, FileName) }

// Read returns installDir's lease, or nil when there is none.
func Read(installDir string) (*Info, error) {
	p := Path(installDir)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", p, err)
	}
	var in Info
	if err := json.Unmarshal(b, &in); err != nil || in.Agent == "" || in.Expires.IsZero() {
		return nil, fmt.Errorf("lease %s is damaged (remove it once no agent runs on this server): %v", p, err)
	}
	return &in, nil
}

// Acquire takes the lease of the server installed in installDir for o, for run, valid ttl
// (DefaultTTL when zero) from now.
func Acquire(installDir string, o Owner, run string, ttl time.Duration, now time.Time) (*Lease, error) {
	if o.Agent == "" || o.StateID == "" {
		return nil, fmt.Errorf("lease %s: the owner needs an agent name and a state dir id", Path(installDir))
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if o.PID == 0 {
		o.PID = os.Getpid()
	}
	if o.Host == "" {
		o.Host, _ = os.Hostname()
	}
	l := &Lease{dir: installDir, ttl: ttl, info: Info{Owner: o, Run: run, Acquired: now.UTC(), Renewed: now.UTC(), Expires: now.Add(ttl).UTC()}}
	p := Path(installDir)
	cur, err := Read(installDir)
	if err != nil {
		return nil, err
	}
	switch {
	case cur == nil:
		if err := l.create(); err == nil {
			return l, nil
		} else if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		// Another agent created it in between.
		if cur, err = Read(installDir); err != nil {
			return nil, err
		}
		if cur == nil {
			return nil, fmt.Errorf("lease %s: appeared and vanished while taking it; try again", p)
		}
		return nil, &HeldError{Path: p, Holder: *cur}
	case cur.Owner.Same(o):
		l.TookOver = fmt.Sprintf("own lease for %s from pid %d (expires %s), left by a crash", cur.Run, cur.PID, cur.Expires.UTC().Format(time.RFC3339))
	case !now.Before(cur.Expires):
		l.TookOver = fmt.Sprintf("expired lease of agent %q (state dir %s) for %s, expired %s", cur.Agent, cur.StateID, cur.Run, cur.Expires.UTC().Format(time.RFC3339))
	default:
		return nil, &HeldError{Path: p, Holder: *cur}
	}
	if err := l.write(); err != nil {
		return nil, err
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	return l, nil
}

// create makes the lease file only if there is none: written to a temporary file and
// hard-linked into place (link fails when the target exists).
func (l *Lease) create() error {
	p := Path(l.dir)
	tmp := fmt.Sprintf("%s.%d.tmp", p, os.Getpid())
	if err := atomicfile.WriteFile(tmp, l.encode(), 0o644); err != nil {
		return fmt.Errorf("lease %s: %w", p, err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, p); err != nil {
		if errors.Is(err, os.ErrExist) {
			return err
		}
		return fmt.Errorf("lease %s: %w", p, err)
	}
	return atomicfile.SyncDir(l.dir)
}

func (l *Lease) encode() []byte {
	b, _ := json.MarshalIndent(l.info, "", "  ")
	return append(b, '\n')
}

func (l *Lease) write() error {
	if err := atomicfile.WriteFile(Path(l.dir), l.encode(), 0o644); err != nil {
		return fmt.Errorf("lease %s: %w", Path(l.dir), err)
	}
	return nil
}

// check reads the lease back and fails unless it is still this one.
func (l *Lease) check() error {
	cur, err := Read(l.dir)
	if err != nil {
		return err
	}
	if cur == nil {
		return fmt.Errorf("lease %s: removed by someone else: %w", Path(l.dir), ErrHeld)
	}
	if !cur.Owner.Same(l.info.Owner) || cur.PID != l.info.PID || !cur.Acquired.Equal(l.info.Acquired) {
		return &HeldError{Path: Path(l.dir), Holder: *cur}
	}
	return nil
}

// Info is the lease as last written.
func (l *Lease) Info() Info { return l.info }

// Renew is the heartbeat: it checks the lease is still this one and pushes its expiry to
// now+ttl. An error wrapping ErrHeld means the lease was lost: stop the runbook's next step.
func (l *Lease) Renew(now time.Time) error {
	if err := l.check(); err != nil {
		return err
	}
	l.info.Renewed, l.info.Expires = now.UTC(), now.Add(l.ttl).UTC()
	return l.write()
}

// Heartbeat renews the lease every interval (ttl/3 when zero) until ctx ends, and returns
// the first renewal error (nil when ctx ended).
func (l *Lease) Heartbeat(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = l.ttl / 3
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			if err := l.Renew(now); err != nil {
				return err
			}
		}
	}
}

// Release removes the lease if it is still this one.
func (l *Lease) Release() error {
	if err := l.check(); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	if err := os.Remove(Path(l.dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lease %s: %w", Path(l.dir), err)
	}
	return nil
}
