package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/preflight"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/reconciler/schedule"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// IIS stops and starts the web front end (host.IIS).
type IIS = runbook.IIS

// FileBackup writes the file storage into a zip (host.Avbackup).
type FileBackup interface {
	Backup(ctx context.Context, zip string) error
}

// Exporter exports the Oracle schema into dump and log, and reports what it saw.
type Exporter interface {
	Export(ctx context.Context, dump, log string) (Export, error)
}

// Flashback is what the minimal-downtime order (spec.downtime: minimal) asks of Oracle
// besides the export.
type Flashback interface {
	// CheckFlashback proves the schema user may export as of an SCN (EXECUTE on
	// SYS.DBMS_FLASHBACK), before IIS is stopped.
	CheckFlashback(ctx context.Context) error
	// Quiesced errors unless no session of the schema is connected.
	Quiesced(ctx context.Context) error
	// CurrentSCN reads the database's SCN (SELECT current_scn FROM v$database).
	CurrentSCN(ctx context.Context) (uint64, error)
	// ExportAsOf exports as Export does, reading the schema as of scn (FLASHBACK_SCN)
	// while the application runs again. An export that cannot read that far back
	// (ORA-01555, ORA-08181) fails wrapping ErrFlashback.
	ExportAsOf(ctx context.Context, dump, log string, scn uint64) (Export, error)
}

// ErrFlashback marks an export that could not read the schema as of the recorded SCN:
// ORA-01555 (snapshot too old: UNDO_RETENTION shorter than the export) or ORA-08181. The
// agent runs the policy's next attempt in the vendor order.
var ErrFlashback = errors.New("the export could not read the schema as of the recorded SCN")

// Export is what an Oracle export produced.
type Export struct {
	Tool, Version, Charset string
	Objects                map[string]int
	Rows                   map[string]int64
	Warnings               []string
	Tablespaces            []string // tablespaces of the schema's segments (quota after a restore)
	DefaultTablespace      string   // the schema user's default tablespace
	InvalidObjects         *int     // INVALID objects of the schema
}

// Verifier checks a set folder (L1 and L2) and returns its results.
type Verifier func(ctx context.Context, dir string) ([]catalog.Verification, error)

// Job is one backup run.
type Job struct {
	Server   *manifests.Server
	Policy   *manifests.BackupPolicy
	Agent    string
	Revision string
	Kind     string // catalog.KindScheduled, KindManual or KindSafety
	Restore  string // for safety sets: the Restore that asked for it
	Version  string // vaultkeeper's version

	// Started is the run's start time; the set id is derived from it.
	Started time.Time
	Now     func() time.Time
	// InWindow says whether IIS may be stopped now; nil means always.
	InWindow func(time.Time) bool
	// NextWindow says when the window opens next (for the Waiting outcome).
	NextWindow func(time.Time) time.Time
	// Preflight are the checks run before IIS is stopped (tools, destination root, free
	// space, logons); the agent fills them (Checks builds the manifest-derived part).
	Preflight preflight.Checks

	IIS      IIS
	Files    FileBackup
	Oracle   Exporter
	Verify   Verifier
	Timeouts Timeouts
	Runbook  *runbook.Runbook
	// SetKeys signs the set's record (vaultkeeper.json) before it is published (issue 14);
	// nil publishes it unsigned, and no agent restores an unsigned set.
	SetKeys *catalog.Keyring

	// Flashback serves the minimal-downtime order (the Oracle connection).
	Flashback Flashback
	// IISHeld says the caller holds IIS stopped (a restore's safety backup, inside the
	// restore's own outage): the run neither stops nor starts it.
	IISHeld bool
	// Fallback, when set, says why this run uses the vendor order although the policy
	// asks for minimal (the last attempt's export could not read as of its SCN).
	Fallback string
	// Downtime is set by Run: how long this run had IIS down (0 when it did not stop it).
	Downtime time.Duration

	// The run's own state, set by Run.
	partial string
	res     *Result
	iis     runbook.Service
	scn     uint64
}

// Mode is the order this run uses: minimal when the policy asks for it, the run owns the
// outage and no fallback applies; vendor otherwise.
func (j *Job) Mode() string {
	if j.Policy.Spec.DowntimeMode() == manifests.DowntimeMinimal && !j.IISHeld && j.Fallback == "" {
		return manifests.DowntimeMinimal
	}
	return manifests.DowntimeVendor
}

// schema names the schema for the plan (the planner may know no Server).
func (j *Job) schema() string {
	if j.Server == nil || j.Server.Spec.Oracle.Schema == "" {
		return "the schema user"
	}
	return strings.ToUpper(j.Server.Spec.Oracle.Schema)
}

func (j *Job) minimal() bool    { return j.Mode() == manifests.DowntimeMinimal }
func (j *Job) iisHeld() bool    { return j.IISHeld }
func (j *Job) notMinimal() bool { return !j.minimal() }

// Timeouts per step.
type Timeouts struct {
	ServiceStop, Avbackup, Dump, Verify, Copy time.Duration
	// Oracle bounds each Oracle call (the preflight's logons).
	Oracle time.Duration
}

// preflightTimeout bounds the preflight: its logons (two Oracle calls) and file checks.
func preflightTimeout(oracle time.Duration) time.Duration {
	if oracle <= 0 {
		return 5 * time.Minute
	}
	return 2*oracle + time.Minute
}

// Result is a finished (published) backup.
type Result struct {
	Meta *catalog.Meta
	Dir  string
	// ReplicaErrors are the copies that failed; the primary set is published regardless.
	ReplicaErrors []error
	// Replicas holds each copy's outcome (nil: copied and verified), by destination.
	Replicas map[string]error
}

// Steps is the backup runbook, in the seeds' order. Every other list of its steps (the
// plan, the step metrics, crash recovery) is derived from it.
var Steps = []runbook.Def[*Job]{
	{Name: "preflight",
		Words: func(j *Job) string {
			return fmt.Sprintf("preflight (before anything is stopped): avbackup, the Oracle tools, %s exists (never created) and is writable with room for the set, the schema and admin logons", j.Policy.Spec.Destination)
		},
		Timeout: func(j *Job) time.Duration { return preflightTimeout(j.Timeouts.Oracle) },
		Do:      func(ctx context.Context, j *Job) error { return j.Preflight.Run(ctx) }},
	{Name: "check-destination", Recovery: runbook.RemovePartial,
		Words: func(j *Job) string {
			return fmt.Sprintf("create the set's .partial folder in %s", j.Policy.Spec.Destination)
		},
		Timeout: func(*Job) time.Duration { return time.Minute },
		Do:      func(ctx context.Context, j *Job) error { return j.checkDestination(j.partial) }},
	{Name: "check-flashback", Skip: (*Job).notMinimal,
		Words: func(j *Job) string {
			return fmt.Sprintf("check %s may export as of an SCN (EXECUTE on SYS.DBMS_FLASHBACK), before IIS is stopped (downtime: minimal)", j.schema())
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Verify },
		Do:      func(ctx context.Context, j *Job) error { return j.Flashback.CheckFlashback(ctx) }},
	{Name: "stop-iis", Recovery: runbook.StartIIS, Skip: (*Job).iisHeld,
		Words:   func(*Job) string { return "stop IIS" },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.ServiceStop },
		Do: func(ctx context.Context, j *Job) error {
			if j.InWindow != nil && !j.InWindow(j.Now()) {
				next := time.Time{}
				if j.NextWindow != nil {
					next = j.NextWindow(j.Now())
				}
				return outcome.Waiting("OutsideWindow", next,
					fmt.Errorf("policy %s: the maintenance window is closed; IIS is not stopped outside it (next window %s)", j.Policy.Metadata.Name, next.Format(time.RFC3339)))
			}
			return j.iis.Stop(ctx, j.Runbook)
		}},
	{Name: "record-scn", Skip: (*Job).notMinimal,
		Words: func(j *Job) string {
			return fmt.Sprintf("confirm no session of %s is connected, then record the SCN (SELECT current_scn FROM v$database)", j.schema())
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Verify },
		Do: func(ctx context.Context, j *Job) error {
			// The application is quiesced: the schema at this SCN is the schema that
			// matches the file storage avbackup is about to read.
			if err := j.Flashback.Quiesced(ctx); err != nil {
				return err
			}
			scn, err := j.Flashback.CurrentSCN(ctx)
			if err != nil {
				return err
			}
			j.scn, j.res.Meta.Oracle.SCN = scn, scn
			return nil
		}},
	{Name: "avbackup",
		Words:   func(*Job) string { return "avbackup backup" },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Avbackup },
		Do: func(ctx context.Context, j *Job) error {
			return j.Files.Backup(ctx, filepath.Join(j.partial, catalog.FileZip))
		}},
	{Name: "export",
		Words: func(j *Job) string {
			if j.minimal() {
				return "export the Oracle schema as of the recorded SCN (flashback_scn) while IIS runs"
			}
			return "export the Oracle schema"
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Dump },
		Do: func(ctx context.Context, j *Job) error {
			dump, log := filepath.Join(j.partial, catalog.FileDump), filepath.Join(j.partial, catalog.FileExportLog)
			var ex Export
			var err error
			if j.minimal() {
				ex, err = j.Flashback.ExportAsOf(ctx, dump, log, j.scn)
			} else {
				ex, err = j.Oracle.Export(ctx, dump, log)
			}
			if err != nil {
				return err
			}
			meta := j.res.Meta
			meta.Tools.Dump, meta.Tools.DumpVersion, meta.Tools.Charset = ex.Tool, ex.Version, ex.Charset
			meta.Oracle.Objects, meta.Oracle.Rows, meta.Oracle.Warnings = ex.Objects, ex.Rows, ex.Warnings
			meta.Oracle.Tablespaces, meta.Oracle.InvalidObjects = ex.Tablespaces, ex.InvalidObjects
			meta.Oracle.DefaultTablespace = ex.DefaultTablespace
			return nil
		}},
	{Name: "start-iis", Skip: (*Job).iisHeld,
		Words: func(j *Job) string {
			if j.minimal() {
				return "start IIS (right after avbackup: the application runs again during the export)"
			}
			return "start IIS"
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.ServiceStop },
		Do:      func(ctx context.Context, j *Job) error { return j.iis.Start(ctx, j.Runbook) }},
	{Name: "hash",
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Verify },
		Do: func(ctx context.Context, j *Job) error {
			files, err := catalog.HashSet(ctx, j.partial)
			if err != nil {
				return err
			}
			j.res.Meta.Files = files
			j.res.Meta.Finished = j.Now().UTC()
			return catalog.WriteMeta(j.partial, j.res.Meta)
		}},
	{Name: "verify",
		Words:   func(*Job) string { return "verify (sha256 and structure)" },
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Verify },
		Do: func(ctx context.Context, j *Job) error {
			v, err := j.Verify(ctx, j.partial)
			j.res.Meta.Verifications = append(j.res.Meta.Verifications, v...)
			if werr := catalog.WriteMeta(j.partial, j.res.Meta); werr != nil {
				return errors.Join(err, werr)
			}
			if err != nil {
				return err
			}
			return failedVerification(v)
		}},
	{Name: "publish",
		Words:   func(*Job) string { return "write vaultkeeper.json and publish" },
		Timeout: func(*Job) time.Duration { return time.Minute },
		Do: func(ctx context.Context, j *Job) error {
			if err := j.sign(); err != nil {
				return err
			}
			dir, err := catalog.Publish(j.partial)
			j.res.Dir = dir
			return err
		}},
	{Name: "replicate",
		Words: func(j *Job) string {
			if len(j.Policy.Spec.Copies) == 0 {
				return ""
			}
			return "copy to and verify in " + strings.Join(j.Policy.Spec.Copies, ", ")
		},
		Timeout: func(j *Job) time.Duration { return j.Timeouts.Copy },
		// A replica that fails does not fail the backup: the set is published, and each
		// replica's outcome goes to its own status and backoff (Result.Replicas).
		Do: func(ctx context.Context, j *Job) error {
			j.res.Replicas = map[string]error{}
			for _, dst := range j.Policy.Spec.Copies {
				err := Replicate(ctx, j.res.Dir, dst, j.Server.Metadata.Name, j.Verify)
				if err != nil {
					j.res.ReplicaErrors = append(j.res.ReplicaErrors, err)
				}
				j.res.Replicas[dst] = err
			}
			return nil
		}},
}

// Order is Steps in the order j runs them: the seeds' order, or with downtime minimal
// start-iis moved to right after avbackup (the export then reads as of the SCN recorded
// while IIS was stopped).
func Order(j *Job) []runbook.Def[*Job] {
	if !j.minimal() {
		return Steps
	}
	var start runbook.Def[*Job]
	rest := make([]runbook.Def[*Job], 0, len(Steps))
	for _, d := range Steps {
		if d.Name == "start-iis" {
			start = d
			continue
		}
		rest = append(rest, d)
	}
	out := make([]runbook.Def[*Job], 0, len(Steps))
	for _, d := range rest {
		out = append(out, d)
		if d.Name == "avbackup" {
			out = append(out, start)
		}
	}
	return out
}

// Plan is what a backup of pol will do, step by step, in words.
func Plan(srv *manifests.Server, pol *manifests.BackupPolicy) []runbook.Planned {
	j := &Job{Server: srv, Policy: pol}
	return runbook.Plan(Order(j), j)
}

// Run executes the backup runbook.
func Run(ctx context.Context, j *Job) (*Result, error) {
	id := catalog.SetID(j.Started)
	final := catalog.SetDir(j.Policy.Spec.Destination, j.Server.Metadata.Name, id)
	j.partial = catalog.PartialDir(j.Policy.Spec.Destination, j.Server.Metadata.Name, id)
	meta := &catalog.Meta{
		Format: catalog.MetaFormat, ID: id, Server: j.Server.Metadata.Name, Policy: j.Policy.Metadata.Name,
		Agent: j.Agent, Kind: j.Kind, Revision: j.Revision, Started: j.Started.UTC(), Restore: j.Restore,
		Tools:  catalog.ToolVersions{Vaultkeeper: j.Version},
		Oracle: catalog.OracleMeta{Schema: j.Server.Spec.Oracle.Schema}, Downtime: j.Mode(),
	}
	j.res = &Result{Meta: meta, Dir: final}
	j.iis = runbook.Service{IIS: j.IIS, StartStep: "start-iis", Timeout: j.Timeouts.ServiceStop}
	rb := j.Runbook
	err := rb.Run(ctx, runbook.Steps(Order(j), j))
	j.Downtime = j.iis.Downtime()
	if err != nil && rb.FailedStep() != "replicate" {
		// Nothing half-written may look like a set: remove our own .partial folder.
		if rerr := os.RemoveAll(j.partial); rerr != nil {
			err = errors.Join(err, fmt.Errorf("remove %s: %w", j.partial, rerr))
		}
		return nil, err
	}
	return j.res, err
}

// sign signs the record, as it stands just before it is published, with the set key and
// writes it: whatever a later step appends (verification results) is not signed.
func (j *Job) sign() error {
	if j.SetKeys == nil {
		return nil
	}
	if err := j.res.Meta.Sign(j.SetKeys); err != nil {
		return err
	}
	return catalog.WriteMeta(j.partial, j.res.Meta)
}

func failedVerification(vs []catalog.Verification) error {
	var errs []error
	for _, v := range vs {
		if !v.OK {
			errs = append(errs, fmt.Errorf("%s verification failed: %v", v.Level, v.Problems))
		}
	}
	return errors.Join(errs...)
}

func (j *Job) checkDestination(partial string) error {
	// The <destination>/<server> folder is created as needed, the destination root never
	// (the preflight proved it exists).
	if err := os.Mkdir(filepath.Dir(partial), 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("destination %s: %w", j.Policy.Spec.Destination, err)
	}
	if _, err := os.Stat(partial); err == nil {
		return fmt.Errorf("destination %s: %s already exists (another run, or a leftover of a crash)", j.Policy.Spec.Destination, partial)
	}
	if err := os.Mkdir(partial, 0o750); err != nil {
		return fmt.Errorf("destination %s: %w", j.Policy.Spec.Destination, err)
	}
	return nil
}

// Logons is what a backup's preflight asks of Oracle (host.OracleConn): the admin
// session in the right container with the schema there, and the schema's own logon.
type Logons interface {
	Preflight(ctx context.Context, user string, mustExist bool) error
	LoginSchema(ctx context.Context) error
}

// Checks is the preflight of a backup of pol on srv: the programs the host starts (tools),
// the destination root with room for the largest of lastSets (the last set of each policy
// of the server) × preflight.Headroom or spec.minFreeBytes, measured by free; then the
// admin connection and the schema's logon with the manifest's secret.
func Checks(srv *manifests.Server, pol *manifests.BackupPolicy, tools []preflight.Tool, lastSets []int64,
	free func(string) (int64, error), ora Logons) preflight.Checks {
	schema := strings.ToUpper(srv.Spec.Oracle.Schema)
	return preflight.Checks{Server: srv.Metadata.Name, Tools: tools,
		Policy: pol.Metadata.Name, Root: pol.Spec.Destination, Need: preflight.Need(lastSets, pol.Spec.MinFreeBytes), Free: free,
		Logins: []preflight.Login{
			{What: "admin connection", Do: func(ctx context.Context) error { return ora.Preflight(ctx, schema, true) }},
			{What: "logon as " + schema + " with spec.oracle.schemaPassword", Do: ora.LoginSchema},
		}}
}

// HoldKey identifies what a stalled backup of pol waits for a person to change: the
// policy's and the server's specs are hashed by the caller; this is the state of the files
// the preflight read (tools, secret files, destination root).
func HoldKey(srv *manifests.Server, pol *manifests.BackupPolicy) string {
	return preflight.Fingerprint(preflight.Inputs(srv, pol)...)
}

// UseWindow makes the run stop IIS only inside the policy's maintenance window
// (spec.window; none: any time), also for a run asked for with `vaultkeeper reconcile` (it
// waits for the window and says so). A schedule that cannot be read stalls the policy.
func (j *Job) UseWindow() error {
	start, length := "", ""
	if w := j.Policy.Spec.Window; w != nil {
		start, length = w.Start, w.Duration
	}
	sch, err := schedule.New(j.Policy.Spec.Schedule, j.Policy.Spec.TimeZone, start, length)
	if err != nil {
		return outcome.Stalled("InvalidSchedule", err)
	}
	j.InWindow, j.NextWindow = sch.InWindow, sch.NextWindowStart
	return nil
}
