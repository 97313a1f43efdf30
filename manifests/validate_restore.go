package manifests

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

var setID = regexp.MustCompile(`^\d{8}T\d{6}Z$`)

// SetIDLayout is the time layout of a backup set id (its UTC start time).
const SetIDLayout = "20060102T150405Z"

func (v *validator) restore(e *objErrs, r *Restore) {
	s := &r.Spec
	target := v.serverRef(e, "spec.server", s.Server)
	if target != nil && !target.Spec.AllowRestore {
		e.add("spec.server", fmt.Sprintf("Server %q does not allow restores: set spec.allowRestore: true on it (in %s) first", s.Server, target.origin))
	}
	if s.Server != "" {
		if first := v.restoreOn[s.Server]; first != nil {
			e.add("spec.server", fmt.Sprintf("Server %q is already the target of Restore/%s (%s): one desired state per server", s.Server, first.Metadata.Name, first.origin))
		} else {
			v.restoreOn[s.Server] = r
		}
	}
	switch {
	case s.Confirm == "":
		e.add("spec.confirm", "is required: type the target server's name again")
	case s.Confirm != s.Server:
		e.add("spec.confirm", fmt.Sprintf("must equal spec.server (%q), got %q", s.Server, s.Confirm))
	}

	var source *BackupPolicy
	if s.Source.Policy == "" {
		e.add("spec.source.policy", "is required")
	} else if source = v.policies[s.Source.Policy]; source == nil {
		e.add("spec.source.policy", fmt.Sprintf("BackupPolicy %q not found", s.Source.Policy))
	}
	switch b := s.Source.Backup; {
	case b == "":
		e.add("spec.source.backup", "is required: latest or a set id such as 20261121T020000Z")
	case b == BackupLatest:
		if source != nil && source.Spec.Server == s.Server {
			e.add("spec.source.backup", fmt.Sprintf("latest of a policy of the target server itself would restore its own backups forever: name a set id (policy %q backs up %q)", s.Source.Policy, s.Server))
		}
	case !setID.MatchString(b):
		e.add("spec.source.backup", fmt.Sprintf("%q must be latest or a set id such as 20261121T020000Z", b))
	default:
		if _, err := time.Parse(SetIDLayout, b); err != nil {
			e.add("spec.source.backup", fmt.Sprintf("%q is not a valid time: %v", b, err))
		}
	}
	v.restoreSafety(e, r, source)
	v.restoreAgents(e, r)
	checkWindow(e, "spec.window", s.Window)
	if s.MaxLag != "" && s.Source.Backup != BackupLatest {
		e.add("spec.maxLag", "only with spec.source.backup: latest")
	} else {
		checkDuration(e, "spec.maxLag", s.MaxLag, false, 0)
	}

	o := &s.Oracle
	checkOracleID(e, "spec.oracle.fromUser", o.FromUser, false)
	checkOracleID(e, "spec.oracle.toUser", o.ToUser, false)
	for _, k := range slices.Sorted(maps.Keys(o.RemapTablespaces)) {
		checkOracleID(e, "spec.oracle.remapTablespaces["+k+"]", k, true)
		checkOracleID(e, "spec.oracle.remapTablespaces["+k+"]", o.RemapTablespaces[k], true)
	}
	var from *Server
	if source != nil {
		from = v.servers[source.Spec.Server]
	}
	if from == nil || target == nil {
		return
	}
	fromSchema, toSchema := from.Spec.Oracle.Schema, target.Spec.Oracle.Schema
	// Unquoted Oracle identifiers are case-insensitive.
	if oracleID.MatchString(o.FromUser) && fromSchema != "" && !strings.EqualFold(o.FromUser, fromSchema) {
		e.add("spec.oracle.fromUser", fmt.Sprintf("must be %s, the schema of Server %q that policy %q exports, got %s", fromSchema, from.Metadata.Name, source.Metadata.Name, o.FromUser))
	}
	if fromSchema != "" && toSchema != "" && !strings.EqualFold(fromSchema, toSchema) && (o.FromUser == "" || o.ToUser == "") {
		e.add("spec.oracle", fmt.Sprintf("schemas differ (%s vs %s): set spec.oracle.fromUser and toUser", fromSchema, toSchema))
	}
}
