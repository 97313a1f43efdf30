package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/reconciler/runbook"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// IIS stops and starts the web front end (host.IIS).
type IIS interface {
	Stop(ctx context.Context) error
	Start(ctx context.Context) error
}

// FileBackup writes the file storage into a zip (host.Avbackup).
type FileBackup interface {
	Backup(ctx context.Context, zip string) error
}

// Exporter exports the Oracle schema into dump and log, and reports what it saw.
type Exporter interface {
	Export(ctx context.Context, dump, log string) (Export, error)
}

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
	// EstimateBytes is the expected size of the set (the last set's size); free space must
	// exceed it by 10 % and be at least the policy's minFreeBytes.
	EstimateBytes int64
	FreeBytes     func(path string) (int64, error)

	IIS      IIS
	Files    FileBackup
	Oracle   Exporter
	Verify   Verifier
	Timeouts Timeouts
	Runbook  *runbook.Runbook
}

// Timeouts per step.
type Timeouts struct {
	ServiceStop, Avbackup, Dump, Verify, Copy time.Duration
}

// Result is a finished (published) backup.
type Result struct {
	Meta *catalog.Meta
	Dir  string
	// ReplicaErrors are the copies that failed; the primary set is published regardless.
	ReplicaErrors []error
}

// SetDir is where a set lives: <destination>/<server>/<setID>.
func SetDir(destination, server, id string) string {
	return filepath.Join(destination, server, id)
}

// Run executes the backup runbook.
func Run(ctx context.Context, j *Job) (*Result, error) {
	id := j.Started.UTC().Format(catalog.SetIDLayout)
	final := SetDir(j.Policy.Spec.Destination, j.Server.Metadata.Name, id)
	partial := final + catalog.PartialSuffix
	meta := &catalog.Meta{
		Format: catalog.MetaFormat, ID: id, Server: j.Server.Metadata.Name, Policy: j.Policy.Metadata.Name,
		Agent: j.Agent, Kind: j.Kind, Revision: j.Revision, Started: j.Started.UTC(), Restore: j.Restore,
		Tools:  catalog.ToolVersions{Vaultkeeper: j.Version},
		Oracle: catalog.OracleMeta{Schema: j.Server.Spec.Oracle.Schema},
	}
	res := &Result{Meta: meta, Dir: final}
	rb := j.Runbook
	iisStarted := false
	steps := []runbook.Step{
		{Name: "check-destination", Timeout: time.Minute, Do: func(ctx context.Context) error {
			return j.checkDestination(partial)
		}},
		{Name: "stop-iis", Timeout: j.Timeouts.ServiceStop, Do: func(ctx context.Context) error {
			if j.InWindow != nil && !j.InWindow(j.Now()) {
				next := time.Time{}
				if j.NextWindow != nil {
					next = j.NextWindow(j.Now())
				}
				return outcome.Waiting("OutsideWindow", next,
					fmt.Errorf("policy %s: the maintenance window is closed; IIS is not stopped outside it (next window %s)", j.Policy.Metadata.Name, next.Format(time.RFC3339)))
			}
			rb.Defer(runbook.Step{Name: "start-iis", Timeout: j.Timeouts.ServiceStop, Do: func(ctx context.Context) error {
				if iisStarted {
					return nil
				}
				return j.IIS.Start(ctx)
			}})
			return j.IIS.Stop(ctx)
		}},
		{Name: "avbackup", Timeout: j.Timeouts.Avbackup, Do: func(ctx context.Context) error {
			return j.Files.Backup(ctx, filepath.Join(partial, catalog.FileZip))
		}},
		{Name: "export", Timeout: j.Timeouts.Dump, Do: func(ctx context.Context) error {
			ex, err := j.Oracle.Export(ctx, filepath.Join(partial, catalog.FileDump), filepath.Join(partial, catalog.FileExportLog))
			if err != nil {
				return err
			}
			meta.Tools.Dump, meta.Tools.DumpVersion, meta.Tools.Charset = ex.Tool, ex.Version, ex.Charset
			meta.Oracle.Objects, meta.Oracle.Rows, meta.Oracle.Warnings = ex.Objects, ex.Rows, ex.Warnings
			meta.Oracle.Tablespaces, meta.Oracle.InvalidObjects = ex.Tablespaces, ex.InvalidObjects
			meta.Oracle.DefaultTablespace = ex.DefaultTablespace
			return nil
		}},
		{Name: "start-iis", Timeout: j.Timeouts.ServiceStop, Do: func(ctx context.Context) error {
			if err := j.IIS.Start(ctx); err != nil {
				return err
			}
			iisStarted = true
			rb.Undefer("start-iis")
			return nil
		}},
		{Name: "hash", Timeout: j.Timeouts.Verify, Do: func(ctx context.Context) error {
			files, err := HashFiles(ctx, partial)
			if err != nil {
				return err
			}
			meta.Files = files
			meta.Finished = j.Now().UTC()
			return catalog.WriteMeta(partial, meta)
		}},
		{Name: "verify", Timeout: j.Timeouts.Verify, Do: func(ctx context.Context) error {
			v, err := j.Verify(ctx, partial)
			meta.Verifications = append(meta.Verifications, v...)
			if werr := catalog.WriteMeta(partial, meta); werr != nil {
				return errors.Join(err, werr)
			}
			if err != nil {
				return err
			}
			return failedVerification(v)
		}},
		{Name: "publish", Timeout: time.Minute, Do: func(ctx context.Context) error {
			dir, err := catalog.Publish(partial)
			res.Dir = dir
			return err
		}},
		{Name: "replicate", Timeout: j.Timeouts.Copy, Do: func(ctx context.Context) error {
			for _, dst := range j.Policy.Spec.Copies {
				if err := Replicate(ctx, res.Dir, dst, j.Server.Metadata.Name, j.Verify); err != nil {
					res.ReplicaErrors = append(res.ReplicaErrors, err)
				}
			}
			return errors.Join(res.ReplicaErrors...)
		}},
	}
	err := rb.Run(ctx, steps)
	if err != nil && rb.FailedStep() != "replicate" {
		// Nothing half-written may look like a set: remove our own .partial folder.
		if rerr := os.RemoveAll(partial); rerr != nil {
			err = errors.Join(err, fmt.Errorf("remove %s: %w", partial, rerr))
		}
		return nil, err
	}
	return res, err
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
	if err := os.MkdirAll(filepath.Dir(partial), 0o750); err != nil {
		return fmt.Errorf("destination %s: %w", j.Policy.Spec.Destination, err)
	}
	if _, err := os.Stat(partial); err == nil {
		return fmt.Errorf("destination %s: %s already exists (another run, or a leftover of a crash)", j.Policy.Spec.Destination, partial)
	}
	if err := os.Mkdir(partial, 0o750); err != nil {
		return fmt.Errorf("destination %s: %w", j.Policy.Spec.Destination, err)
	}
	need := max(j.EstimateBytes+j.EstimateBytes/10, j.Policy.Spec.MinFreeBytes)
	if j.FreeBytes == nil || need == 0 {
		return nil
	}
	free, err := j.FreeBytes(partial)
	if err != nil {
		return err
	}
	if free < need {
		os.Remove(partial)
		return fmt.Errorf("destination %s has %d bytes free, the set needs about %d: free space or change spec.destination of policy %s",
			j.Policy.Spec.Destination, free, need, j.Policy.Metadata.Name)
	}
	return nil
}
