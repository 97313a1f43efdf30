package reconciler

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/hostfake"
	"github.com/vaultkeeper/vaultkeeper/manifests/source"
)

// This file holds in-process fakes of everything the agent reaches outside itself: a clock,
// a manifests source and (from reconciler/host/hostfake) a host.Factory whose IIS, avbackup
// and Oracle record what they are asked and write small but structurally valid artifacts,
// so that the real runbooks (backup.Run, catalog publish, setverify L1/L2, retention) run
// unchanged on them.

// fakeClock is Options.Now (and the store's Now) of a simulation; the test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fakeSource serves one folder of manifests as a fixed revision.
type fakeSource struct {
	dir string
	mu  sync.Mutex
	rev string // ID returned by the last Fetch
	err error  // returned by Fetch when set
}

var _ source.Source = (*fakeSource)(nil)

func (s *fakeSource) Fetch(ctx context.Context) (source.Revision, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return source.Revision{}, false, s.err
	}
	const id = "sha256:simulated"
	changed := s.rev != id
	s.rev = id
	return source.Revision{ID: id, Dir: s.dir}, changed, nil
}

func (s *fakeSource) Changes() <-chan struct{} { return nil }
func (s *fakeSource) Close() error             { return nil }

// The hosts are hostfake's (the one fake of the host adapters, shared with the runbook
// packages' tests), under the names the simulations use.
type (
	hostEvent = hostfake.Event
	fakeHost  = hostfake.Host
	fakeHosts = hostfake.Hosts
)

func newFakeHosts(clock *fakeClock) *fakeHosts { return hostfake.NewHosts(clock.Now) }

// setIDOf returns the set id of a path written inside a set's .partial folder.
func setIDOf(path string) string {
	return strings.TrimSuffix(filepath.Base(filepath.Dir(path)), ".partial")
}
