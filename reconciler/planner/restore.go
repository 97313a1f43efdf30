package planner

import (
	"fmt"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

func planRestore(p *Plan, set *manifests.Set, r *manifests.Restore, act Actual, now time.Time) {
	spec := &r.Spec
	obj := "restore/" + r.Metadata.Name
	st := act.Restores[r.Metadata.Name]
	hash := r.SpecHash()
	block := func(reason string) {
		p.Blocked = append(p.Blocked, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, Reason: reason})
	}
	switch {
	case spec.Suspend:
		block("suspended")
		return
	case st.Stalled != "" && !st.Force && st.FailedHash == hash:
		block(st.Stalled)
		return
	case st.FailedHash == hash && !st.Force:
		block("the last restore for this spec failed after it began overwriting the target; change the spec or run `vaultkeeper reconcile " + obj + "`")
		return
	}
	if !st.RetryAt.IsZero() && now.Before(st.RetryAt) && !st.Force {
		p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: st.RetryAt, Reason: "retry after failure"})
		return
	}
	pol := set.Policy(spec.Source.Policy)
	var sets []Set
	if pol != nil {
		sets = act.Policies[pol.Metadata.Name].Sets
	}
	target := pickSet(sets, spec.Source.Backup)
	if target == nil {
		reason := fmt.Sprintf("no verified set %s of policy %s yet", spec.Source.Backup, spec.Source.Policy)
		p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: now.Add(time.Minute), Reason: reason})
		return
	}
	reason := ""
	switch {
	case st.Force:
		reason = "requested"
	case spec.Source.Backup != manifests.BackupLatest:
		if st.AppliedHash == hash {
			return // a fixed set runs once per spec
		}
		reason = "new restore spec"
	case st.AppliedHash != hash:
		reason = "new restore spec"
	default:
		maxLag, _ := manifests.ParseDuration(spec.MaxLag)
		if target.ID == st.RestoredSet {
			return
		}
		if maxLag > 0 && now.Sub(st.RestoredAt) < maxLag {
			p.Waiting = append(p.Waiting, Waiting{Kind: ActRestore, Server: spec.Server, Object: obj, At: st.RestoredAt.Add(maxLag),
				Reason: fmt.Sprintf("newer set %s waits until the restored one is %s old", target.ID, maxLag)})
			return
		}
		reason = fmt.Sprintf("newer verified set %s; restored set %s is older than %s", target.ID, st.RestoredSet, spec.MaxLag)
	}
	p.Actions = append(p.Actions, Action{Kind: ActRestore, Server: spec.Server, Object: obj, Sets: []string{target.ID},
		Reason: reason, Destructive: true, Steps: RestoreSteps(set, r, target.ID)})
}

// pickSet returns the newest verified set ("latest") or the named one if it is verified.
func pickSet(sets []Set, want string) *Set {
	for i := len(sets) - 1; i >= 0; i-- {
		s := &sets[i]
		if !s.Verified || s.Kind == "safety" {
			continue
		}
		if want == manifests.BackupLatest || s.ID == want {
			return s
		}
	}
	return nil
}

// RestoreSteps says, in words an admin checks in a pull request, what the restore will do.
func RestoreSteps(set *manifests.Set, r *manifests.Restore, setID string) []string {
	spec := &r.Spec
	target := set.Server(spec.Server)
	pol := set.Policy(spec.Source.Policy)
	if target == nil || pol == nil {
		return nil
	}
	from, to := spec.Oracle.FromUser, spec.Oracle.ToUser
	if src := set.Server(pol.Spec.Server); src != nil && from == "" {
		from = src.Spec.Oracle.Schema
	}
	if to == "" {
		to = target.Spec.Oracle.Schema
	}
	alias := target.Spec.Expect.DatabaseName
	if alias == "" {
		alias = "the LocalVault.ini DatabaseName"
	}
	var steps []string
	if spec.SafetyBackupEnabled() {
		steps = append(steps, fmt.Sprintf("safety backup of %s into %s (kept as a safety set)", spec.Server, pol.Spec.Destination))
	}
	dump := "imp fromuser=" + from + " touser=" + to
	if target.Spec.Oracle.Dump.Tool == manifests.DumpExpdp {
		dump = "impdp remap_schema=" + from + ":" + to
		for k, v := range spec.Oracle.RemapTablespaces {
			dump += " remap_tablespace=" + k + ":" + v
		}
	}
	steps = append(steps,
		fmt.Sprintf("verify set %s of policy %s (sha256 and structure)", setID, pol.Metadata.Name),
		fmt.Sprintf("stop IIS on %s (%s)", spec.Server, joinArgv(target.Spec.IIS.Stop)),
		fmt.Sprintf("avbackup restore of %s into %s", setID, target.Spec.InstallDir),
		fmt.Sprintf("DROP USER %s CASCADE on %s", to, alias),
		fmt.Sprintf("CREATE USER %s; GRANT DBA TO %s (revoked afterwards, always)", to, to),
		dump,
		fmt.Sprintf("REVOKE DBA FROM %s", to),
		"verify tnsnames.ora alias, IIS binding host, LocalVault.ini keys, Oracle login, object and row counts",
		"start IIS (always)",
	)
	return steps
}

func joinArgv(a []string) string {
	s := ""
	for i, x := range a {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s
}
