package reconciler

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// reverifyingSource is a fakeSource whose cache re-verification answers err.
type reverifyingSource struct {
	fakeSource
	err      error
	asked    string // the dir Reverify was asked about
	askedRev string
}

func (s *reverifyingSource) Reverify(id, dir string) error {
	s.askedRev, s.asked = id, dir
	return s.err
}

// TestLastGoodReverified: at start the last applied revision is put back in force only if
// the source still verifies its cached copy.
func TestLastGoodReverified(t *testing.T) {
	examples, err := filepath.Abs(filepath.Join("..", "manifests", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		err     error
		applied bool
	}{
		{"intact", nil, true},
		{"changed while down", errors.New("the checkout does not match its commit"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			store, err := state.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			const id = "0123456789abcdef0123456789abcdef01234567"
			if err := store.Update(func(st *state.Status) { st.Source.LastApplied, st.Source.LastAppliedDir = id, examples }); err != nil {
				t.Fatal(err)
			}
			src := &reverifyingSource{fakeSource: fakeSource{dir: examples}, err: c.err}
			a := New(Options{Agent: "agent-a", Source: src, Store: store})
			a.loadLastGood()
			if src.asked != examples || src.askedRev != id {
				t.Fatalf("Reverify asked about %q %q, want %q %q", src.askedRev, src.asked, id, examples)
			}
			if got := a.revision == id; got != c.applied {
				t.Errorf("last good applied: %v, want %v", got, c.applied)
			}
		})
	}
}

// TestOversizedRevisionRejected: the agent's manifest limits (--max-manifest-size) reject a
// revision whose files are too large; the last good revision stays in force.
func TestOversizedRevisionRejected(t *testing.T) {
	examples, err := filepath.Abs(filepath.Join("..", "manifests", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := state.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Agent: "agent-a", Source: &fakeSource{dir: examples}, Store: store,
		ManifestLimits: manifests.Limits{File: 1 << 10}})
	a.sync(context.Background())
	st := store.Snapshot().Source
	if st.Ready || st.Reason != "ManifestsInvalid" {
		t.Fatalf("source ready %v, reason %q: want the revision rejected", st.Ready, st.Reason)
	}
	found := false
	for _, e := range st.Errors {
		found = found || strings.Contains(e, "file is too large") && strings.Contains(e, "the limit is 1 KiB (--max-manifest-size)")
	}
	if !found {
		t.Errorf("errors %q do not say which file is too large", st.Errors)
	}
}
