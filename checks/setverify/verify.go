package setverify

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Problem is one failed check: which file, at which level, and why.
type Problem struct {
	File   string `json:"file"`
	Level  string `json:"level"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s: %s", p.Level, p.File, p.Reason) }

// Report is the outcome of verifying one set folder.
type Report struct {
	Dir      string                 `json:"dir"`
	OK       bool                   `json:"ok"`
	Levels   []catalog.Verification `json:"levels"`
	Problems []Problem              `json:"problems"`
}

// Verify checks the set in dir at the given levels (catalog.LevelL1, catalog.LevelL2; both
// when none is given). Failed checks are Problems in the report, not errors; the error is
// for a folder that is not a set, an unknown level, or ctx ending.
func Verify(ctx context.Context, dir string, levels ...string) (Report, error) {
	if len(levels) == 0 {
		levels = []string{catalog.LevelL1, catalog.LevelL2}
	}
	for _, l := range levels {
		if l != catalog.LevelL1 && l != catalog.LevelL2 {
			return Report{}, fmt.Errorf("verify %s: unknown level %q (want %s or %s)", dir, l, catalog.LevelL1, catalog.LevelL2)
		}
	}
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		return Report{}, fmt.Errorf("verify %s: %w", dir, err)
	}
	where := dir
	if abs, err := filepath.Abs(dir); err == nil {
		where = filepath.Dir(filepath.Dir(abs))
	}
	rep := Report{Dir: dir, OK: true, Problems: []Problem{}}
	for _, level := range levels {
		start := time.Now()
		var probs []Problem
		switch level {
		case catalog.LevelL1:
			probs = verifyL1(ctx, dir, m)
		case catalog.LevelL2:
			probs = verifyL2(ctx, dir, m)
		}
		if err := ctx.Err(); err != nil {
			return Report{}, fmt.Errorf("verify %s at %s: %w", dir, level, err)
		}
		v := catalog.Verification{Level: level, OK: len(probs) == 0, Time: start.UTC(), Duration: time.Since(start), Where: where}
		for _, p := range probs {
			v.Problems = append(v.Problems, p.File+": "+p.Reason)
		}
		rep.Levels = append(rep.Levels, v)
		rep.Problems = append(rep.Problems, probs...)
		rep.OK = rep.OK && v.OK
	}
	return rep, nil
}

// maxVerifications bounds the verification history kept in vaultkeeper.json.
const maxVerifications = 32

// Record appends the report's results to dir's vaultkeeper.json (atomically), keeping the
// newest maxVerifications.
func Record(dir string, r Report) error {
	m, err := catalog.ReadMeta(dir)
	if err != nil {
		return fmt.Errorf("record verification of %s: %w", dir, err)
	}
	m.Verifications = append(m.Verifications, r.Levels...)
	if n := len(m.Verifications); n > maxVerifications {
		m.Verifications = m.Verifications[n-maxVerifications:]
	}
	if err := catalog.WriteMeta(dir, m); err != nil {
		return fmt.Errorf("record verification of %s: %w", dir, err)
	}
	return nil
}

// fileByRole returns the name of the set's file with role, or def when the record has none.
func fileByRole(m *catalog.Meta, role, def string) string {
	for _, f := range m.Files {
		if f.Role == role {
			return f.Name
		}
	}
	return def
}
