package catalog

import (
	"strings"
	"testing"
	"time"
)

func TestPlanSafety(t *testing.T) {
	start := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	var sets []Set
	for i := range 6 {
		id := SetID(start.Add(time.Duration(i) * 24 * time.Hour))
		m := testMeta("aes-staging", "staging-weekly", id)
		if i%2 == 1 {
			m.Kind, m.Restore = KindSafety, "refresh"
		}
		sets = append(sets, Set{ID: id, Server: "aes-staging", Policy: "staging-weekly", Meta: m})
	}
	// Safety sets: days 1, 3, 5.
	ids := func(rs []SafetyRemoval) string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Set.ID)
			if !strings.Contains(r.Reason, r.Set.ID) || !strings.Contains(r.Reason, "Restore refresh") {
				t.Errorf("reason %q does not name the set and its Restore", r.Reason)
			}
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name     string
		keep     int
		mayPrune func(Set) bool
		want     string
	}{
		{"keep 3: nothing to remove", 3, nil, ""},
		{"keep 1", 1, nil, "20261102T020000Z 20261104T020000Z"},
		{"keep 0 keeps the newest anyway", 0, nil, "20261102T020000Z 20261104T020000Z"},
		{"an unverifiable set stays", 1, func(s Set) bool { return s.ID != "20261102T020000Z" }, "20261104T020000Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(PlanSafety(sets, tc.keep, tc.mayPrune)); got != tc.want {
				t.Errorf("remove %q, want %q", got, tc.want)
			}
		})
	}
}
