package lease

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

var (
	t0    = time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)
	prod  = Owner{Agent: "prod", StateID: "aaaa", PID: 100, Host: "h1"}
	prod2 = Owner{Agent: "prod", StateID: "bbbb", PID: 200, Host: "h1"} // same name, other state dir
	other = Owner{Agent: "other", StateID: "cccc", PID: 300, Host: "h2"}
)

func TestAcquire(t *testing.T) {
	for _, tc := range []struct {
		name     string
		holder   *Owner        // an existing lease, taken at t0 for one minute
		at       time.Duration // when the second owner asks, after t0
		asker    Owner
		ok       bool
		tookOver string
	}{
		{"free", nil, 0, prod, true, ""},
		{"own stale lease after a crash", &prod, 10 * time.Second, Owner{Agent: "prod", StateID: "aaaa", PID: 101}, true, "own lease"},
		{"own expired lease", &prod, time.Hour, Owner{Agent: "prod", StateID: "aaaa", PID: 101}, true, "own lease"},
		{"same agent name, other state dir, live", &prod, 10 * time.Second, prod2, false, ""},
		{"another agent, live", &prod, 59 * time.Second, other, false, ""},
		{"another agent, expired", &prod, time.Minute, other, true, "expired lease of agent \"prod\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.holder != nil {
				if _, err := Acquire(dir, *tc.holder, "backup/nightly", time.Minute, t0); err != nil {
					t.Fatal(err)
				}
			}
			l, err := Acquire(dir, tc.asker, "restore/refresh", time.Minute, t0.Add(tc.at))
			if !tc.ok {
				var held *HeldError
				if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
					t.Fatalf("Acquire = %v, want a HeldError", err)
				}
				for _, want := range []string{Path(dir), `"prod"`, "aaaa", "backup/nightly"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %s", err, want)
					}
				}
				if cur, _ := Read(dir); cur == nil || !cur.Owner.Same(prod) {
					t.Errorf("the holder's lease changed: %+v", cur)
				}
				return
			}
			if err != nil {
				t.Fatalf("Acquire = %v", err)
			}
			if !strings.Contains(l.TookOver, tc.tookOver) || (tc.tookOver == "") != (l.TookOver == "") {
				t.Errorf("TookOver = %q, want %q", l.TookOver, tc.tookOver)
			}
			cur, err := Read(dir)
			if err != nil || cur == nil || !cur.Owner.Same(tc.asker) || cur.Run != "restore/refresh" || !cur.Expires.Equal(t0.Add(tc.at+time.Minute)) {
				t.Fatalf("lease on disk = %+v, %v", cur, err)
			}
		})
	}
}

func TestRenewAndRelease(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, prod, "backup/nightly", time.Minute, t0)
	if err != nil {
		t.Fatal(err)
	}
	// The heartbeat keeps another agent out past the first expiry.
	if err := l.Renew(t0.Add(50 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(dir, other, "x", time.Minute, t0.Add(90*time.Second)); !errors.Is(err, ErrHeld) {
		t.Fatalf("Acquire of a renewed lease = %v, want ErrHeld", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if cur, err := Read(dir); cur != nil || err != nil {
		t.Fatalf("after Release: %+v, %v", cur, err)
	}
	if _, err := Acquire(dir, other, "x", time.Minute, t0.Add(90*time.Second)); err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
}

// A lease taken over by someone else is lost: the heartbeat and the release say so and
// leave the new holder's lease alone.
func TestLostLease(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, prod, "backup/nightly", time.Minute, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(dir, other, "restore/refresh", time.Minute, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := l.Renew(t0.Add(2 * time.Minute)); !errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), `"other"`) {
		t.Fatalf("Renew of a lost lease = %v, want ErrHeld naming the new holder", err)
	}
	if err := l.Release(); !errors.Is(err, ErrHeld) {
		t.Fatalf("Release of a lost lease = %v, want ErrHeld", err)
	}
	if cur, _ := Read(dir); cur == nil || !cur.Owner.Same(other) {
		t.Fatalf("the new holder's lease was touched: %+v", cur)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Heartbeat(ctx, time.Millisecond); !errors.Is(err, ErrHeld) {
		t.Fatalf("Heartbeat of a lost lease = %v, want ErrHeld", err)
	}
}

func TestDamagedLease(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(Path(dir), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(dir, prod, "x", time.Minute, t0); err == nil || !strings.Contains(err.Error(), Path(dir)) {
		t.Fatalf("Acquire over a damaged lease = %v, want an error naming it", err)
	}
	if _, err := Acquire(dir, Owner{Agent: "prod"}, "x", time.Minute, t0); err == nil {
		t.Fatal("Acquire without a state dir id succeeded")
	}
}
