package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/logparse"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/snapshot"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// runner is the dump runner for tool, its credentials going through a private parfile.
func (c *oracleConn) runner(tool dump.Tool, policy logparse.Policy) dump.Runner {
	return dump.Runner{Program: c.dumpBin(string(tool)), Env: []string{"TNS_ADMIN=" + filepath.Dir(c.srv.Spec.Oracle.Tnsnames)},
		Timeout: c.t.Dump, Log: c.log, Output: c.out, Policy: policy, LogDir: c.srv.Spec.Oracle.Dump.DirectoryPath}
}

// Export runs exp (or expdp) of the server's schema as the schema user, the seeds' way. The
// verdict comes from the log and the dump file, not the exit status: exp exits 0 on Unix
// even with warnings, and no warning passes silently.
func (c *oracleConn) Export(ctx context.Context, dumpPath, logPath string) (backup.Export, error) {
	spec := c.srv.Spec.Oracle
	schema := strings.ToUpper(spec.Schema)
	job := dump.Job{Tool: dump.Exp, User: schema, Password: c.schemaPW, Alias: c.alias, Schema: schema, File: dumpPath, LogFile: logPath}
	want := dumpfile.Classic
	if spec.Dump.Tool == manifests.DumpExpdp {
		// Data Pump writes into the DIRECTORY object's folder; the files are moved into the set.
		id := filepath.Base(filepath.Dir(dumpPath))
		job = dump.Job{Tool: dump.Expdp, User: schema, Password: c.schemaPW, Alias: c.alias, Schema: schema,
			File: id + ".dmp", LogFile: id + ".log", Directory: spec.Dump.Directory}
		want = dumpfile.DataPump
		os.Remove(filepath.Join(spec.Dump.DirectoryPath, job.File)) // a leftover would make expdp fail
	}
	out, err := c.runner(job.Tool, logparse.Policy{}).Run(ctx, job)
	if job.Tool == dump.Expdp {
		err = errors.Join(err, moveFile(filepath.Join(spec.Dump.DirectoryPath, job.File), dumpPath),
			moveFile(filepath.Join(spec.Dump.DirectoryPath, job.LogFile), logPath))
	}
	if err != nil {
		return backup.Export{}, err
	}
	info, err := dumpfile.Identify(dumpPath)
	if err != nil {
		return backup.Export{}, err
	}
	if err := dumpfile.Check(info, want); err != nil {
		return backup.Export{}, fmt.Errorf("%s reported success but %s: %w", job.Tool, dumpPath, err)
	}
	meta, err := snapshot.Record(ctx, c, schema, out)
	if err != nil {
		return backup.Export{}, err
	}
	ex := backup.Export{Objects: meta.Objects, Rows: meta.Rows, Warnings: meta.Warnings}
	ex.Tool, ex.Version, ex.Charset = snapshot.Tools(out, info)
	return ex, nil
}

// Import runs imp fromuser/touser (or impdp remap_schema/remap_tablespace) as the target
// user, who holds DBA for the duration.
func (c *oracleConn) Import(ctx context.Context, dumpPath, logPath, from, to string, remap map[string]string) error {
	spec := c.srv.Spec.Oracle
	job := dump.Job{Tool: dump.Imp, User: to, Password: c.schemaPW, Alias: c.alias, FromUser: from, ToUser: to, File: dumpPath, LogFile: logPath}
	var policy logparse.Policy
	if spec.Dump.Tool == manifests.DumpExpdp {
		staged := "vaultkeeper-import.dmp"
		if err := copyFile(dumpPath, filepath.Join(spec.Dump.DirectoryPath, staged)); err != nil {
			return err
		}
		defer os.Remove(filepath.Join(spec.Dump.DirectoryPath, staged))
		job = dump.Job{Tool: dump.Impdp, User: to, Password: c.schemaPW, Alias: c.alias, FromUser: from, ToUser: to,
			RemapTablespaces: remap, File: staged, LogFile: "vaultkeeper-import.log", Directory: spec.Dump.Directory}
		// The runbook creates the user before the import, as the seeds do; Data Pump says so.
		policy = logparse.Policy{Allow: []string{dump.AllowPrecreatedUser}}
		defer moveFile(filepath.Join(spec.Dump.DirectoryPath, job.LogFile), logPath)
	}
	_, err := c.runner(job.Tool, policy).Run(ctx, job)
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
