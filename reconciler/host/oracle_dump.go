package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/snapshot"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// runner is the dump runner for tool, its credentials going through a private parfile.
// Every tool runs with NLS_LANG=AMERICAN_AMERICA.<database character set>, read from the
// database: English messages and no client-side character set conversion.
func (c *oracleConn) runner(ctx context.Context, tool dump.Tool, policy oralog.Policy) (dump.Runner, error) {
	if c.charset == "" {
		cs, err := c.DatabaseCharset(ctx)
		if err != nil {
			return dump.Runner{}, fmt.Errorf("%s: NLS_LANG: %w", tool, err)
		}
		c.charset = cs
	}
	return dump.Runner{Program: c.dumpBin(string(tool)),
		Env:     []string{"TNS_ADMIN=" + filepath.Dir(c.srv.Spec.Oracle.Tnsnames), oracle.NLSLang(c.charset)},
		Timeout: c.t.Dump, Log: toolLog(c.log, c.out), Output: c.out, Policy: policy, LogDir: c.srv.Spec.Oracle.Dump.DirectoryPath, ParfileDir: c.parfileDir}, nil
}

// Export runs exp (or expdp) of the server's schema as the schema user, the seeds' way. The
// verdict comes from the log and the dump file, not the exit status: exp exits 0 on Unix
// even with warnings, and no warning passes silently.
func (c *oracleConn) Export(ctx context.Context, dumpPath, logPath string) (backup.Export, error) {
	return c.export(ctx, dumpPath, logPath, 0)
}

// ExportAsOf is Export reading the schema as of scn (FLASHBACK_SCN, the minimal-downtime
// order): IIS runs again, so no session check. ORA-01555 or ORA-08181 in the log fail it
// wrapping backup.ErrFlashback.
func (c *oracleConn) ExportAsOf(ctx context.Context, dumpPath, logPath string, scn uint64) (backup.Export, error) {
	if scn == 0 {
		return backup.Export{}, fmt.Errorf("export as of an SCN: no SCN recorded")
	}
	return c.export(ctx, dumpPath, logPath, scn)
}

// Quiesced errors unless no session of the schema is connected (IIS stopped).
func (c *oracleConn) Quiesced(ctx context.Context) error {
	schema := strings.ToUpper(c.srv.Spec.Oracle.Schema)
	n, err := c.SessionCount(ctx, schema)
	if err != nil {
		return fmt.Errorf("sessions of %s: %w", schema, err)
	}
	if n > 0 {
		return fmt.Errorf("%d session(s) of %s are still connected with IIS stopped: the application (or another client) could write after the SCN is recorded; find them in V$SESSION", n, schema)
	}
	return nil
}

// CheckFlashback proves the schema user holds EXECUTE on SYS.DBMS_FLASHBACK (or DBA); a
// missing grant wraps backup.ErrFlashback, so the next attempt runs in the vendor order.
func (c *oracleConn) CheckFlashback(ctx context.Context) error {
	err := c.Client.CheckFlashback(ctx, c.srv.Spec.Oracle.Schema)
	if errors.Is(err, oracle.ErrNoFlashback) {
		// Nothing is stopped yet; the next attempt runs in the vendor order.
		return fmt.Errorf("%w: %w", backup.ErrFlashback, err)
	}
	return err
}

func (c *oracleConn) export(ctx context.Context, dumpPath, logPath string, scn uint64) (backup.Export, error) {
	spec := c.srv.Spec.Oracle
	schema := strings.ToUpper(spec.Schema)
	job := dump.Job{Tool: dump.Exp, User: schema, Password: c.schemaPW, Alias: c.alias, Schema: schema, File: dumpPath, LogFile: logPath}
	want := dumpid.Classic
	if spec.Dump.Tool == manifests.DumpExpdp {
		// Data Pump writes into the DIRECTORY object's folder; the files are moved into the set.
		id := filepath.Base(filepath.Dir(dumpPath))
		job = dump.Job{Tool: dump.Expdp, User: schema, Password: c.schemaPW, Alias: c.alias, Schema: schema,
			File: id + ".dmp", LogFile: id + ".log", Directory: spec.Dump.Directory}
		want = dumpid.DataPump
		os.Remove(filepath.Join(spec.Dump.DirectoryPath, job.File)) // a leftover would make expdp fail
		if err := c.CheckDirectory(ctx, schema, spec.Dump.Directory); err != nil {
			return backup.Export{}, fmt.Errorf("expdp: %w", err)
		}
	}
	r, err := c.runner(ctx, job.Tool, oralog.Policy{Accept: spec.AcceptWarnings})
	if err != nil {
		return backup.Export{}, err
	}
	job.FlashbackSCN = scn
	if scn == 0 {
		// IIS is stopped: nothing of the application may still hold the schema, or it
		// could write while the export reads (the export is read-consistent as of its
		// start, but the file storage zip was taken before it).
		if n, err := c.SessionCount(ctx, schema); err != nil {
			return backup.Export{}, fmt.Errorf("%s: sessions of %s: %w", job.Tool, schema, err)
		} else if n > 0 {
			return backup.Export{}, fmt.Errorf("%s: %d session(s) of %s are still connected with IIS stopped: the application (or another client) could write during the export; find them in V$SESSION", job.Tool, n, schema)
		}
	}
	out, err := r.Run(ctx, job)
	if err != nil && scn > 0 {
		for _, code := range out.Log.Codes {
			if code == "ORA-01555" || code == "ORA-08181" {
				err = fmt.Errorf("%w (FLASHBACK_SCN=%d, %s: raise UNDO_RETENTION above the export's duration; the next attempt runs in the vendor order): %w", backup.ErrFlashback, scn, code, err)
				break
			}
		}
	}
	if job.Tool == dump.Expdp {
		err = errors.Join(err, moveFile(filepath.Join(spec.Dump.DirectoryPath, job.File), dumpPath),
			moveFile(filepath.Join(spec.Dump.DirectoryPath, job.LogFile), logPath))
	}
	if err != nil {
		return backup.Export{}, dumpFailed(err, out, logPath)
	}
	info, err := dumpid.Identify(dumpPath)
	if err != nil {
		return backup.Export{}, err
	}
	if err := dumpid.Check(info, want); err != nil {
		return backup.Export{}, fmt.Errorf("%s reported success but %s: %w", job.Tool, dumpPath, err)
	}
	meta, err := snapshot.Record(ctx, c, schema, out)
	if err != nil {
		return backup.Export{}, err
	}
	ex := backup.Export{Objects: meta.Objects, Rows: meta.Rows, Warnings: meta.Warnings,
		Tablespaces: meta.Tablespaces, InvalidObjects: meta.InvalidObjects, DefaultTablespace: meta.DefaultTablespace}
	ex.Tool, ex.Version, ex.Charset = snapshot.Tools(out, info)
	return ex, nil
}

// IdentifyDump has the database identify a set's dump before anything is stopped or
// overwritten (the restore's preflight): for impdp a copy is staged in the directory object
// and DBMS_DATAPUMP.GET_DUMPFILE_INFO must call it a Data Pump file (a set made with exp
// before the server switched to expdp, or any other file, fails here, with the target
// untouched). Classic imp has no such question: nil.
func (c *oracleConn) IdentifyDump(ctx context.Context, dumpPath string) error {
	spec := c.srv.Spec.Oracle
	if spec.Dump.Tool != manifests.DumpExpdp {
		return nil
	}
	staged := "vaultkeeper-identify.dmp"
	if err := copyFile(dumpPath, filepath.Join(spec.Dump.DirectoryPath, staged)); err != nil {
		return err
	}
	defer os.Remove(filepath.Join(spec.Dump.DirectoryPath, staged))
	return c.identifyStaged(ctx, dumpPath, staged)
}

// identifyStaged asks the database what staged (a copy of dumpPath in the directory object)
// is, with no byte of it read by vaultkeeper; anything but a Data Pump file is an error.
func (c *oracleConn) identifyStaged(ctx context.Context, dumpPath, staged string) error {
	info, err := c.DumpfileInfo(ctx, c.srv.Spec.Oracle.Dump.Directory, staged)
	if err != nil {
		return fmt.Errorf("impdp: identify %s: %w", dumpPath, err)
	}
	if err := info.CheckDataPump(); err != nil {
		return outcome.Stalled("DumpNotDataPump", fmt.Errorf("impdp: %s (copied from %s): %w", staged, dumpPath, err))
	}
	c.log.Info("dump file identified by the database", "file", dumpPath, "info", info.String())
	return nil
}

// Import runs imp fromuser/touser (or impdp remap_schema/remap_tablespace) as the target
// user, who holds DBA for the duration.
func (c *oracleConn) Import(ctx context.Context, dumpPath, logPath, from, to string, remap map[string]string) error {
	spec := c.srv.Spec.Oracle
	job := dump.Job{Tool: dump.Imp, User: to, Password: c.schemaPW, Alias: c.alias, FromUser: from, ToUser: to, File: dumpPath, LogFile: logPath}
	policy := oralog.Policy{Accept: spec.AcceptWarnings}
	if spec.Dump.Tool == manifests.DumpExpdp {
		staged := "vaultkeeper-import.dmp"
		if err := copyFile(dumpPath, filepath.Join(spec.Dump.DirectoryPath, staged)); err != nil {
			return err
		}
		defer os.Remove(filepath.Join(spec.Dump.DirectoryPath, staged))
		// Identified again on the copy impdp reads (the restore's preflight identified the
		// set's file before anything was stopped).
		if err := c.identifyStaged(ctx, dumpPath, staged); err != nil {
			return err
		}
		job = dump.Job{Tool: dump.Impdp, User: to, Password: c.schemaPW, Alias: c.alias, FromUser: from, ToUser: to,
			RemapTablespaces: remap, File: staged, LogFile: "vaultkeeper-import.log", Directory: spec.Dump.Directory}
		// The runbook creates the user before the import, as the seeds do; Data Pump says so.
		policy.Accept = append(policy.Accept, dump.AllowPrecreatedUser)
		defer moveFile(filepath.Join(spec.Dump.DirectoryPath, job.LogFile), logPath)
	}
	r, err := c.runner(ctx, job.Tool, policy)
	if err != nil {
		return err
	}
	out, err := r.Run(ctx, job)
	if err != nil {
		err = dumpFailed(err, out, "")
	}
	if err == nil && len(out.Warnings) > 0 {
		c.log.Warn("import passed with accepted warnings", "tool", job.Tool, "warnings", out.Warnings)
		if c.out != nil {
			fmt.Fprintf(c.out, "vaultkeeper: %s passed with accepted warnings: %s\n", job.Tool, strings.Join(out.Warnings, ", "))
		}
	}
	return err
}

func moveFile(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	if err := copyFile(src, dst); err != nil {
		return err
	}
	return os.Remove(src)
}

// copyFile copies src over dst (a leftover of an earlier run is replaced).
func copyFile(src, dst string) error {
	if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return catalog.CopyFile(src, dst)
}

// dumpFailed puts the decisive line of a failed dump tool's log first in its error (the
// ORA- code that says why, where the tool's own verdict only says it failed), and no
// longer points at gone, the tool's log file inside the set's .partial folder, which is
// removed with it: its lines are in the run's log file. err stays wrapped.
func dumpFailed(err error, out dump.Outcome, gone string) error {
	msg := err.Error()
	if gone != "" {
		msg = strings.ReplaceAll(msg, "log "+gone, "log "+filepath.Base(gone)+", removed with the unpublished set: its lines are in the run log")
	}
	if d := oralog.Decisive(out.Log); d != "" && !strings.HasPrefix(msg, string(out.Tool)+": "+d) {
		msg = string(out.Tool) + ": " + d + "; " + msg
	}
	return &toolError{msg: msg, err: err}
}

// toolError is a tool's failure reworded for the admin, err kept for errors.Is/As.
type toolError struct {
	msg string
	err error
}

func (e *toolError) Error() string { return e.msg }
func (e *toolError) Unwrap() error { return e.err }
