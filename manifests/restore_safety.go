package manifests

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// restoreSafety checks spec.source.safety: a safety set is named by id, of a policy of the
// target itself.
func (v *validator) restoreSafety(e *objErrs, r *Restore, source *BackupPolicy) {
	s := &r.Spec
	if !s.Source.Safety {
		return
	}
	if s.Source.Backup == BackupLatest {
		e.add("spec.source.backup", "with spec.source.safety: true, name the safety set's id (latest would restore whichever safety set is newest)")
	}
	if source != nil && s.Server != "" && source.Spec.Server != s.Server {
		e.add("spec.source.policy", fmt.Sprintf("with spec.source.safety: true, must be a policy of the target %q (safety sets are backups of the target itself), got %q which backs up %q",
			s.Server, source.Metadata.Name, source.Spec.Server))
	}
	if s.MaxLag != "" {
		e.add("spec.maxLag", "not with spec.source.safety: true: a rollback is applied once")
	}
}

// restoreAgents checks spec.source.agents: agent names, each once.
func (v *validator) restoreAgents(e *objErrs, r *Restore) {
	seen := map[string]bool{}
	for i, a := range r.Spec.Source.Agents {
		f := "spec.source.agents[" + strconv.Itoa(i) + "]"
		checkName(e, f, a, true)
		if seen[a] {
			e.add(f, fmt.Sprintf("%q is listed twice", a))
		}
		seen[a] = true
	}
	if r.Spec.Source.Agents != nil && len(r.Spec.Source.Agents) == 0 {
		e.add("spec.source.agents", "is empty: omit it to allow the source Server's agent, or list the agents whose sets may be restored")
	}
}

// RestoreAgents returns the agents whose sets r may restore: spec.source.agents, or else the
// spec.agent of the Server its source policy backs up (nil when that is not in the set).
func (s *Set) RestoreAgents(r *Restore) []string {
	if len(r.Spec.Source.Agents) > 0 {
		return append([]string(nil), r.Spec.Source.Agents...)
	}
	p := s.Policy(r.Spec.Source.Policy)
	if p == nil {
		return nil
	}
	if from := s.Server(p.Spec.Server); from != nil && from.Spec.Agent != "" {
		return []string{from.Spec.Agent}
	}
	return nil
}

// RestoreWindow returns the window r may start in and the time zone it is read in: the
// first BackupPolicy of the target that has a window gives the zone and, unless r has its own
// spec.window, the window. Without such a policy, spec.window (or nil: any time) is read in
// the zone of the target's first policy, or UTC.
func (s *Set) RestoreWindow(r *Restore) (*WindowSpec, string) {
	zoneOf := func(p *BackupPolicy) string {
		if p.Spec.TimeZone != "" {
			return p.Spec.TimeZone
		}
		return DefaultTimeZone
	}
	pols := s.PoliciesFor(r.Spec.Server)
	for _, p := range pols {
		if p.Spec.Window != nil {
			if r.Spec.Window != nil {
				return r.Spec.Window, zoneOf(p)
			}
			return p.Spec.Window, zoneOf(p)
		}
	}
	zone := DefaultTimeZone
	if len(pols) > 0 {
		zone = zoneOf(pols[0])
	}
	return r.Spec.Window, zone
}

// TargetHash is the sha256 (hex) of what r asks the target to hold: the target, the source
// policy and set (or latest, or safety set) and the schema and tablespace mapping. Unlike
// SpecHash it leaves out maxLag, safetyBackup, window, suspend and source.agents, whose edits
// must not restore again (issue 14 point 6). Call it on loaded objects.
func (r *Restore) TargetHash() string {
	src := r.Spec.Source
	src.Agents = nil
	b, err := json.Marshal(struct {
		Server string        `json:"server"`
		Source RestoreSource `json:"source"`
		Oracle RestoreOracle `json:"oracle"`
	}{r.Spec.Server, src, r.Spec.Oracle})
	if err != nil {
		panic("manifests: marshal Restore target: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// RollbackRestore returns the Restore manifest (YAML) that puts the safety set setID, taken
// by policy of r's target before r overwrote it, back on the target: what a failed restore's
// condition tells the operator to apply. It needs no schema mapping (the safety set holds the
// target's own schema) and takes no safety backup of the half-restored target.
func RollbackRestore(r *Restore, policy, setID string) string {
	s := r.Spec.Server
	return fmt.Sprintf(`apiVersion: %s
kind: Restore
metadata: {name: %s}
spec:
  server: %s
  confirm: %s
  source: {policy: %s, backup: %q, safety: true}
  safetyBackup: false
`, APIVersion, RollbackName(r.Metadata.Name), s, s, policy, setID)
}

// RollbackName is the name of RollbackRestore's Restore: "<name>-rollback", shortened to stay a DNS-1123 label.
func RollbackName(name string) string {
	const suffix = "-rollback"
	if len(name)+len(suffix) > 63 {
		name = strings.TrimRight(name[:63-len(suffix)], "-")
	}
	return name + suffix
}
