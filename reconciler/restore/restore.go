package restore

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/snapshot"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/preflight"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
	"github.com/vaultkeeper/vaultkeeper/state/restorerecord"
)

// Admin is the administrative Oracle connection (reconciler/oracle's admin).
type Admin interface {
	DropUserCascade(ctx context.Context, user string) error
	CreateUser(ctx context.Context, user, password, tablespace string) error
	GrantDBA(ctx context.Context, user string) error
	RevokeDBA(ctx context.Context, user string) error
	GrantBasic(ctx context.Context, user string) error // CONNECT, RESOURCE, CREATE SESSION
	ObjectCounts(ctx context.Context, schema string) (map[string]int, error)
	RowCounts(ctx context.Context, schema string) (map[string]int64, error)
	// Quotas: REVOKE DBA takes UNLIMITED TABLESPACE along, and on 11.2 and 12.1 every
	// tablespace quota too (MOS 1169515.1).
	SchemaTablespaces(ctx context.Context, schema string) ([]string, error)
	GrantQuota(ctx context.Context, user, tablespace string) error
	NoQuota(ctx context.Context, user string, tablespaces []string) ([]string, error)
	HasRole(ctx context.Context, user, role string) (bool, error)
	// Invalid objects: an import leaves views compiled with warnings INVALID until recompiled.
	CompileSchema(ctx context.Context, schema string) error
	InvalidCount(ctx context.Context, schema string) (int, error)
	// Preflight proves the admin session is in the right container (spec.oracle.pdb) and,
	// with mustExist, that the user exists there, before anything is stopped or overwritten.
	Preflight(ctx context.Context, user string, mustExist bool) error
}

// Importer imports a dump (imp fromuser/touser, or impdp remap_schema/remap_tablespace).
type Importer interface {
	Import(ctx context.Context, dump, log, fromUser, toUser string, remapTablespaces map[string]string) error
	// IdentifyDump has the database say what the set's dump is before anything is stopped
	// (impdp: DBMS_DATAPUMP.GET_DUMPFILE_INFO must call it a Data Pump file).
	IdentifyDump(ctx context.Context, dump string) error
}

// IIS stops and starts the web front end.
type IIS = runbook.IIS

// FileRestore puts a zip's file storage back (avbackup restore).
type FileRestore interface {
	Restore(ctx context.Context, zip string) error
}

// Check is one named integrity check run after the import; a failure fails the restore.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Job is one restore run. The planner fills only what is known before the run (PlanJob);
// the agent adds the set, its record and the adapters.
type Job struct {
	Restore *manifests.Restore
	Target  *manifests.Server
	// Source is the policy whose set is restored; SetID the set.
	Source *manifests.BackupPolicy
	SetID  string
	// From is the schema in the dump, To the user it is imported into (Users).
	From, To string
	// Safety is the target's policy whose destination holds the safety backup (nil: the
	// target has none).
	Safety *manifests.BackupPolicy
	// SetDir is the verified set to restore; Meta its record.
	SetDir string
	Meta   *catalog.Meta
	// Verify re-verifies the set right before use (L1+L2).
	Verify func(ctx context.Context, dir string) ([]catalog.Verification, error)
	// SafetyBackup backs the target up inside the restore's outage (IIS already stopped,
	// so the safety set holds exactly what the restore overwrites); nil when disabled.
	SafetyBackup func(ctx context.Context) error
	// SchemaPassword is the password the re-created user gets (the target's LocalVault one).
	SchemaPassword string
	Tablespace     string
	// ImportLog is where imp writes its log (the run's log folder, never the set).
	ImportLog string
	// Preflight are the checks run before anything is stopped (the safety backup
	// included): the programs the host starts and the safety destination (PreflightChecks);
	// the preflight step adds the admin session.
	Preflight preflight.Checks
	// AfterHalfDone is set when the previous run of this restore failed after it began
	// overwriting: the schema may already be dropped, so the preflight only proves the
	// container then.
	AfterHalfDone bool

	IIS      IIS
	Files    FileRestore
	Admin    Admin
	Import   Importer
	Checks   []Check
	Timeouts Timeouts
	Runbook  *runbook.Runbook

	// Record is this run's entry in the target's restore record (run id, Restore, target
	// hash, set, source policy and agent, applying agent): written as begun before the first
	// destructive step and completed after verification (issue 14 point 1). A run without
	// one stops before overwriting anything.
	Record *restorerecord.Entry

	iis     runbook.Service
	granted bool // DBA granted and not yet revoked
	begun   *restorerecord.Entry
}

// Timeouts per step.
type Timeouts struct {
	ServiceStop, Avbackup, Dump, Oracle, Verify, Safety time.Duration
}

// Destructive are the steps from which on the target is being overwritten: a restore that
// fails or dies at or after one of them is half done and is never re-run by itself.
var Destructive = runbook.Destructive(Steps)

// Users returns the schema owner in the dump and the user it is imported into, refusing
// different names that the spec does not map explicitly.
func Users(r *manifests.Restore, target *manifests.Server, meta *catalog.Meta) (from, to string, err error) {
	from, to = r.Spec.Oracle.FromUser, r.Spec.Oracle.ToUser
	if from == "" {
		from = meta.Oracle.Schema
	}
	if to == "" {
		to = target.Spec.Oracle.Schema
	}
	if r.Spec.Oracle.FromUser == "" && r.Spec.Oracle.ToUser == "" && !strings.EqualFold(from, to) {
		return "", "", outcome.Stalledf("SchemaMismatch",
			"restore/%s: set %s holds schema %s but server %s uses %s: set spec.oracle.fromUser and spec.oracle.toUser to map them",
			r.Metadata.Name, meta.ID, from, target.Metadata.Name, to)
	}
	if !strings.EqualFold(from, meta.Oracle.Schema) {
		return "", "", outcome.Stalledf("SchemaMismatch", "restore/%s: spec.oracle.fromUser is %s but set %s holds schema %s",
			r.Metadata.Name, from, meta.ID, meta.Oracle.Schema)
	}
	return strings.ToUpper(from), strings.ToUpper(to), nil
}

// Steps is the restore runbook, in the seeds' order. Every other list of its steps (the
// plan, the step metrics, crash recovery, the destructive guard) is derived from it.
var Steps = []runbook.Def[*Job]{
	{Name: "verify-set",
		Words: func(j *Job) string {
			return fmt.Sprintf("verify set %s of policy %s (sha256 and structure)", j.SetID, j.Source.Metadata.Name)
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Verify },
		Do: func(ctx context.Context, j *Job) error {
			vs, err := j.Verify(ctx, j.SetDir)
			if err != nil {
				return outcome.Stalled("SetNotVerified", fmt.Errorf("set %s cannot be verified right before use: %w", j.SetDir, err))
			}
			for _, v := range vs {
				if !v.OK {
					return outcome.Stalledf("SetNotVerified", "set %s failed %s verification right before use: %s; choose another set",
						j.SetDir, v.Level, strings.Join(v.Problems, "; "))
				}
			}
			return nil
		}},
	{Name: "preflight",
		Words: func(j *Job) string {
			where := "the database"
			if pdb := j.Target.Spec.Oracle.PDB; pdb != "" {
				where = "container " + pdb
			}
			w := fmt.Sprintf("preflight (before anything is stopped): avbackup and the Oracle tools exist; the admin session reaches %s and %s exists there", where, j.To)
			if j.Target.Spec.Oracle.Dump.Tool == manifests.DumpExpdp {
				w += "; the database identifies the set's dump as Data Pump (GET_DUMPFILE_INFO)"
			}
			if j.Restore.Spec.SafetyBackupEnabled() && j.Safety != nil {
				w += fmt.Sprintf("; %s (the safety backup's destination) exists and is writable", j.Safety.Spec.Destination)
			}
			return w
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle + time.Minute },
		Do: func(ctx context.Context, j *Job) error {
			c := j.Preflight
			c.Logins = append(c.Logins, preflight.Login{What: "admin connection",
				Do: func(ctx context.Context) error { return j.Admin.Preflight(ctx, j.To, !j.AfterHalfDone) }})
			if err := c.Run(ctx); err != nil {
				return err
			}
			return j.Import.IdentifyDump(ctx, filepath.Join(j.SetDir, catalog.FileDump))
		}},
	{Name: "stop-iis", Recovery: runbook.StartIIS,
		Words: func(j *Job) string {
			return fmt.Sprintf("stop IIS on %s (%s)", j.Target.Metadata.Name, strings.Join(j.Target.Spec.IIS.Stop, " "))
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.ServiceStop },
		Do:      func(ctx context.Context, j *Job) error { return j.iis.Stop(ctx, j.Runbook) }},
	{Name: "safety-backup",
		Skip: func(j *Job) bool { return !j.Restore.Spec.SafetyBackupEnabled() },
		Words: func(j *Job) string {
			if j.Safety == nil {
				return fmt.Sprintf("safety backup of %s: refused, %s has no BackupPolicy to hold it", j.Target.Metadata.Name, j.Target.Metadata.Name)
			}
			return fmt.Sprintf("safety backup of %s into %s inside this outage (avbackup and export with IIS still stopped; kept as a safety set)", j.Target.Metadata.Name, j.Safety.Spec.Destination)
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Safety },
		Do: func(ctx context.Context, j *Job) error {
			if j.SafetyBackup == nil {
				return fmt.Errorf("restore/%s: no safety backup to run", j.Restore.Metadata.Name)
			}
			return j.SafetyBackup(ctx)
		}},
	recordBegin,
	{Name: "avbackup-restore", Destructive: true,
		Words: func(j *Job) string {
			return fmt.Sprintf("avbackup restore of %s into %s", j.SetID, j.Target.Spec.InstallDir)
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Avbackup },
		Do: func(ctx context.Context, j *Job) error {
			return j.Files.Restore(ctx, filepath.Join(j.SetDir, catalog.FileZip))
		}},
	{Name: "drop-user", Destructive: true,
		Words:   func(j *Job) string { return fmt.Sprintf("DROP USER %s CASCADE on %s", j.To, alias(j.Target)) },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle },
		Do:      func(ctx context.Context, j *Job) error { return j.Admin.DropUserCascade(ctx, j.To) }},
	{Name: "create-user", Destructive: true,
		Words: func(j *Job) string {
			return fmt.Sprintf("CREATE USER %s; GRANT CONNECT, RESOURCE, CREATE SESSION TO %s", j.To, j.To)
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle },
		Do: func(ctx context.Context, j *Job) error {
			if err := j.Admin.CreateUser(ctx, j.To, j.SchemaPassword, j.Tablespace); err != nil {
				return err
			}
			return j.Admin.GrantBasic(ctx, j.To)
		}},
	{Name: "grant-dba", Destructive: true, Recovery: runbook.RevokeDBA,
		Words:   func(j *Job) string { return fmt.Sprintf("GRANT DBA TO %s (revoked afterwards, always)", j.To) },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle },
		Do: func(ctx context.Context, j *Job) error {
			j.Runbook.Defer(revokeDBA.Step(j))
			j.granted = true // set before the call: a grant that errored may still have happened
			return j.Admin.GrantDBA(ctx, j.To)
		}},
	{Name: "import", Destructive: true,
		Words:   importWords,
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Dump },
		Do: func(ctx context.Context, j *Job) error {
			return j.Import.Import(ctx, filepath.Join(j.SetDir, catalog.FileDump), j.ImportLog,
				j.From, j.To, j.Restore.Spec.Oracle.RemapTablespaces)
		}},
	revokeDBA,
	{Name: "grant-quotas", Destructive: true,
		Words: func(j *Job) string {
			return fmt.Sprintf("ALTER USER %s QUOTA UNLIMITED ON each tablespace its segments use (from the set's record); GRANT CONNECT, RESOURCE, CREATE SESSION again", j.To)
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle },
		Do:      func(ctx context.Context, j *Job) error { return j.grantQuotas(ctx, j.To) }},
	{Name: "recompile", Destructive: true,
		Words:   func(j *Job) string { return fmt.Sprintf("recompile the invalid objects of %s", j.To) },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle },
		Do:      func(ctx context.Context, j *Job) error { return j.Admin.CompileSchema(ctx, j.To) }},
	{Name: "verify-restore", Destructive: true,
		Words: func(*Job) string {
			return "verify tnsnames.ora alias, IIS binding host, LocalVault.ini keys, Oracle login, object and row counts"
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Verify },
		Do:      func(ctx context.Context, j *Job) error { return j.verifyRestore(ctx, j.To) }},
	recordComplete,
	{Name: "start-iis", Destructive: true,
		Words:   func(*Job) string { return "start IIS (always)" },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.ServiceStop },
		Do:      func(ctx context.Context, j *Job) error { return j.iis.Start(ctx, j.Runbook) }},
}

// recordBegin writes the begun event, fsynced, right before the first destructive step: a
// restore that fails or dies after it leaves the record incomplete and the Restore held.
var recordBegin = runbook.Def[*Job]{Name: "record-begin",
	Words: func(j *Job) string {
		return "record the restore as begun in " + restorerecord.Path(j.Target.Spec.InstallDir) + " (fsynced, before anything is overwritten)"
	},
	Do: func(_ context.Context, j *Job) error {
		if j.Record == nil {
			return fmt.Errorf("restore/%s: no restore record entry: refusing to overwrite %s unrecorded", j.Restore.Metadata.Name, j.Target.Metadata.Name)
		}
		e := *j.Record
		e.Set = j.SetID
		b, err := restorerecord.Begin(j.Target.Spec.InstallDir, e)
		if err != nil {
			return err
		}
		j.begun = &b
		return nil
	}}

// recordComplete writes the completed event once the restore is verified.
var recordComplete = runbook.Def[*Job]{Name: "record-complete", Destructive: true,
	Words: func(j *Job) string {
		return "record the restore as completed in " + restorerecord.Path(j.Target.Spec.InstallDir)
	},
	Do: func(_ context.Context, j *Job) error {
		if j.begun == nil {
			return fmt.Errorf("restore/%s: no begun event to complete", j.Restore.Metadata.Name)
		}
		return restorerecord.Complete(j.Target.Spec.InstallDir, *j.begun, time.Time{})
	}}

// revokeDBA runs in order after the import and, deferred by grant-dba, whatever happens.
var revokeDBA = runbook.Def[*Job]{Name: "revoke-dba", Destructive: true,
	Words:   func(j *Job) string { return fmt.Sprintf("REVOKE DBA FROM %s", j.To) },
	Timeout: func(j *Job) time.Duration { return j.Timeouts.Oracle },
	Do: func(ctx context.Context, j *Job) error {
		if !j.granted {
			return nil
		}
		if err := j.Admin.RevokeDBA(ctx, j.To); err != nil {
			return err
		}
		j.granted = false
		j.Runbook.Undefer("revoke-dba")
		return nil
	}}

func importWords(j *Job) string {
	if j.Target.Spec.Oracle.Dump.Tool != manifests.DumpExpdp {
		return "imp fromuser=" + j.From + " touser=" + j.To
	}
	w := "impdp remap_schema=" + j.From + ":" + j.To
	remap := j.Restore.Spec.Oracle.RemapTablespaces
	for _, k := range slices.Sorted(maps.Keys(remap)) {
		w += " remap_tablespace=" + k + ":" + remap[k]
	}
	return w
}

func alias(target *manifests.Server) string {
	if a := target.Spec.Expect.DatabaseName; a != "" {
		return a
	}
	return "the LocalVault.ini DatabaseName"
}

// PlanJob is the restore of set setID by r as known before it runs, from the revision set
// (the planner's job: no set folder, no adapters); nil when set lacks its server or policy.
// The users are the spec's, else the schemas of the source and target servers.
func PlanJob(set *manifests.Set, r *manifests.Restore, setID string) *Job {
	target, src := set.Server(r.Spec.Server), set.Policy(r.Spec.Source.Policy)
	if target == nil || src == nil {
		return nil
	}
	j := &Job{Restore: r, Target: target, Source: src, SetID: setID, From: r.Spec.Oracle.FromUser, To: r.Spec.Oracle.ToUser}
	if s := set.Server(src.Spec.Server); s != nil && j.From == "" {
		j.From = s.Spec.Oracle.Schema
	}
	if j.To == "" {
		j.To = target.Spec.Oracle.Schema
	}
	if own := set.PoliciesFor(target.Metadata.Name); len(own) > 0 {
		j.Safety = own[0]
	}
	return j
}

// PreflightChecks is the preflight of a restore into target: tools are the programs the
// host starts for it; with a safety backup, safety's destination root must exist and be
// writable (its own preflight, run by the safety backup, checks the rest).
func PreflightChecks(r *manifests.Restore, target *manifests.Server, tools []preflight.Tool, safety *manifests.BackupPolicy) preflight.Checks {
	c := preflight.Checks{Server: target.Metadata.Name, Tools: tools}
	if r.Spec.SafetyBackupEnabled() && safety != nil {
		c.Policy, c.Root = safety.Metadata.Name, safety.Spec.Destination
	}
	return c
}

// Plan is what PlanJob's restore will do, step by step, in words.
func Plan(set *manifests.Set, r *manifests.Restore, setID string) []runbook.Planned {
	j := PlanJob(set, r, setID)
	if j == nil {
		return nil
	}
	return runbook.Plan(Steps, j)
}

// Run executes the restore runbook.
func Run(ctx context.Context, j *Job) error {
	from, to, err := Users(j.Restore, j.Target, j.Meta)
	if err != nil {
		return err
	}
	j.From, j.To = from, to
	if j.SetID == "" {
		j.SetID = j.Meta.ID
	}
	j.iis = runbook.Service{IIS: j.IIS, StartStep: "start-iis", Timeout: j.Timeouts.ServiceStop}
	return j.Runbook.Run(ctx, runbook.Steps(Steps, j))
}

func (j *Job) verifyRestore(ctx context.Context, to string) error {
	var errs []error
	for _, c := range j.Checks {
		if err := c.Run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("check %s: %w", c.Name, err))
		}
	}
	errs = append(errs, j.verifyGrants(ctx, to)...)
	if rec := j.Meta.Oracle.InvalidObjects; rec != nil {
		n, err := j.Admin.InvalidCount(ctx, to)
		switch {
		case err != nil:
			errs = append(errs, err)
		case n > *rec:
			errs = append(errs, fmt.Errorf("%s has %d invalid objects after the import and a recompile, the backup had %d", to, n, *rec))
		}
	}
	objects, err := j.Admin.ObjectCounts(ctx, to)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("object counts of %s: %w", to, err))...)
	}
	rows, err := j.Admin.RowCounts(ctx, to)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("row counts of %s: %w", to, err))...)
	}
	// The record names the source schema; the restored one may be mapped to another name.
	want := j.Meta.Oracle
	want.Schema = to
	if diff := snapshot.Compare(want, objects, rows); len(diff) > 0 {
		errs = append(errs, fmt.Errorf("%s differs from set %s: %s", to, j.Meta.ID, strings.Join(diff, "; ")))
	}
	return errors.Join(errs...)
}

// grantQuotas runs after REVOKE DBA: an unlimited quota on every tablespace the set's
// record names (remapped as the import remapped them), every tablespace the restored
// schema's segments really use (classic imp falls back to the default tablespace when a
// source one is missing) and the default tablespace; then the seed's grants again
// (CONNECT, RESOURCE, CREATE SESSION). A record tablespace that holds nothing of the
// restored schema may be missing on the target: its grant may fail.
func (j *Job) grantQuotas(ctx context.Context, to string) error {
	used, err := j.Admin.SchemaTablespaces(ctx, to)
	if err != nil {
		return err
	}
	need := map[string]bool{strings.ToUpper(j.Tablespace): true}
	for _, ts := range used {
		need[strings.ToUpper(ts)] = true
	}
	var errs []error
	for _, ts := range j.quotaTablespaces(used) {
		if err := j.Admin.GrantQuota(ctx, to, ts); err != nil && need[ts] {
			errs = append(errs, err)
		}
	}
	if err := j.Admin.GrantBasic(ctx, to); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// quotaTablespaces is the sorted union of the default tablespace, the record's (remapped)
// and used.
func (j *Job) quotaTablespaces(used []string) []string {
	set := map[string]bool{}
	if j.Tablespace != "" {
		set[strings.ToUpper(j.Tablespace)] = true
	}
	for _, ts := range j.Meta.Oracle.Tablespaces {
		ts = strings.ToUpper(ts)
		for from, to := range j.Restore.Spec.Oracle.RemapTablespaces {
			if strings.EqualFold(from, ts) {
				ts = strings.ToUpper(to)
			}
		}
		set[ts] = true
	}
	for _, ts := range used {
		set[strings.ToUpper(ts)] = true
	}
	out := make([]string, 0, len(set))
	for ts := range set {
		out = append(out, ts)
	}
	sort.Strings(out)
	return out
}

// verifyGrants proves the restored schema is no longer DBA and can allocate in every
// tablespace its segments use.
func (j *Job) verifyGrants(ctx context.Context, to string) []error {
	var errs []error
	dba, err := j.Admin.HasRole(ctx, to, "DBA")
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("is %s DBA: %w", to, err))
	case dba:
		errs = append(errs, fmt.Errorf("%s still holds the DBA role", to))
	}
	used, err := j.Admin.SchemaTablespaces(ctx, to)
	if err != nil {
		return append(errs, err)
	}
	if ts := strings.ToUpper(j.Tablespace); ts != "" && !slices.Contains(used, ts) {
		used = append(used, ts)
	}
	missing, err := j.Admin.NoQuota(ctx, to, used)
	switch {
	case err != nil:
		errs = append(errs, err)
	case len(missing) > 0:
		errs = append(errs, fmt.Errorf("%s cannot allocate in tablespace(s) %s (ORA-01950 at the next extent)", to, strings.Join(missing, ", ")))
	}
	return errs
}

// DefaultTablespace is the tablespace the re-created user gets: the set's recorded default
// tablespace, remapped as spec.oracle.remapTablespaces says; USERS for sets recorded before
// it was.
func DefaultTablespace(r *manifests.Restore, meta *catalog.Meta) string {
	ts := strings.ToUpper(meta.Oracle.DefaultTablespace)
	if ts == "" {
		return "USERS"
	}
	for from, to := range r.Spec.Oracle.RemapTablespaces {
		if strings.EqualFold(from, ts) {
			return strings.ToUpper(to)
		}
	}
	return ts
}
