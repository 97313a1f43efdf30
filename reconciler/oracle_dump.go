package reconciler

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/toolrun"
)

// Export runs exp (or expdp) of the server's schema as the schema user, the seeds' way:
// credentials go through a 0600 parfile in a private folder, never argv. The verdict comes
// from the log: exp/imp exit 0 on Unix even with warnings, so the exit status alone proves
// nothing. Any warning fails the run: none passes silently.
func (c *oracleConn) Export(ctx context.Context, dump, logPath string) (backup.Export, error) {
	spec := c.srv.Spec.Oracle
	schema := strings.ToUpper(spec.Schema)
	ex := backup.Export{Tool: spec.Dump.Tool}
	if ex.Tool == "" {
		ex.Tool = manifests.DumpExp
	}
	objects, err := c.ObjectCounts(ctx, schema)
	if err != nil {
		return ex, fmt.Errorf("object counts of %s before export: %w", schema, err)
	}
	ex.Objects = objects
	params := []string{"userid=" + c.userid(schema, c.schemaPW)}
	target := dump
	if ex.Tool == manifests.DumpExpdp {
		target = filepath.Join(spec.Dump.DirectoryPath, filepath.Base(filepath.Dir(dump))+".dmp")
		os.Remove(target) // a leftover of a failed run would make expdp fail with ORA-27038
		params = append(params, "directory="+spec.Dump.Directory, "schemas="+schema, "dumpfile="+filepath.Base(target),
			"logfile="+filepath.Base(target)+".log")
	} else {
		params = append(params, "owner="+schema, "file="+dump, "log="+logPath, "statistics=none")
	}
	if err := c.runDump(ctx, ex.Tool, params); err != nil {
		return ex, err
	}
	if ex.Tool == manifests.DumpExpdp {
		if err := moveFile(target, dump); err != nil {
			return ex, err
		}
		if err := moveFile(target+".log", logPath); err != nil {
			return ex, err
		}
	}
	res, err := classifyLog(logPath)
	ex.Rows, ex.Warnings = res.rows, res.codes
	if err != nil {
		return ex, err
	}
	if h := identify(dump); h.Version != "" {
		ex.Version, ex.Charset = h.Version, strconv.Itoa(int(h.CharsetID))
	}
	return ex, nil
}

// Import runs imp fromuser/touser (or impdp remap_schema/remap_tablespace) as the target
// user, who holds DBA for the duration.
func (c *oracleConn) Import(ctx context.Context, dump, logPath, from, to string, remap map[string]string) error {
	spec := c.srv.Spec.Oracle
	tool := "imp"
	params := []string{"userid=" + c.userid(to, c.schemaPW)}
	if spec.Dump.Tool == manifests.DumpExpdp {
		tool = "impdp"
		staged := filepath.Join(spec.Dump.DirectoryPath, "vaultkeeper-import.dmp")
		if err := copyFile(dump, staged); err != nil {
			return err
		}
		defer os.Remove(staged)
		params = append(params, "directory="+spec.Dump.Directory, "dumpfile="+filepath.Base(staged), "logfile=vaultkeeper-import.log",
			"remap_schema="+from+":"+to)
		keys := make([]string, 0, len(remap))
		for k := range remap {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			params = append(params, "remap_tablespace="+strings.ToUpper(k)+":"+strings.ToUpper(remap[k]))
		}
		defer func() { moveFile(filepath.Join(spec.Dump.DirectoryPath, "vaultkeeper-import.log"), logPath) }()
	} else {
		params = append(params, "file="+dump, "log="+logPath, "fromuser="+from, "touser="+to)
	}
	if err := c.runDump(ctx, tool, params); err != nil {
		return err
	}
	if tool == "impdp" {
		if err := moveFile(filepath.Join(spec.Dump.DirectoryPath, "vaultkeeper-import.log"), logPath); err != nil {
			return err
		}
	}
	_, err := classifyLog(logPath)
	return err
}

func (c *oracleConn) userid(user, pw string) string {
	return fmt.Sprintf(`"%s/%s@%s"`, user, pw, c.alias)
}

// runDump writes params to a private parfile and runs the tool with parfile= only.
func (c *oracleConn) runDump(ctx context.Context, tool string, params []string) error {
	dir, err := os.MkdirTemp("", "vaultkeeper-par-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	par := filepath.Join(dir, tool+".par")
	if err := os.WriteFile(par, []byte(strings.Join(params, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("parfile for %s: %w", tool, err)
	}
	res, err := toolrun.Run(ctx, toolrun.Cmd{Name: tool, Argv: []string{c.dumpBin(tool), "parfile=" + par},
		Env: []string{"TNS_ADMIN=" + filepath.Dir(c.srv.Spec.Oracle.Tnsnames)}, Timeout: c.t.Dump,
		Mask: []string{c.schemaPW}, Log: c.log, Output: c.out})
	var ee *toolrun.ExitError
	if err != nil && errors.As(err, &ee) {
		// Windows exp/imp exit 3 for warnings and Data Pump 5 for "completed with errors":
		// the log's verdict below decides; a failure with no log is reported here.
		if ee.Code == 3 || ee.Code == 5 {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("%s (exit %d): %w", tool, res.ExitCode, err)
	}
	return nil
}

var (
	expRows = regexp.MustCompile(`^\. \. exporting table\s+(\S+)\s+(\d+) rows exported`)
	impRows = regexp.MustCompile(`^\. \. importing table\s+"?([^"\s]+)"?\s+(\d+) rows imported`)
	dpRows  = regexp.MustCompile(`^\. \. (?:exported|imported) "[^"]+"\."([^"]+)"\s+\S+\s+\S+\s+(\d+) rows`)
	codes   = regexp.MustCompile(`\b((?:EXP|IMP|ORA|UDE|UDI|LRM)-\d{5})\b`)
	impOK   = regexp.MustCompile(`^Import terminated successfully without warnings\.`)
	impWarn = regexp.MustCompile(`^Import terminated (successfully with warnings|unsuccessfully)`)
	logtime = regexp.MustCompile(`^\d{2}-[A-Z]{3}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}: `)
)

type logResult struct {
	rows  map[string]int64
	codes []string
}

// classifyLog reads an export/import log: rows per table, the message codes, and the final
// verdict. A log without a verdict (empty, truncated) is a failure.
func classifyLog(path string) (logResult, error) {
	res := logResult{rows: map[string]int64{}}
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("log %s: %w", path, err)
	}
	defer f.Close()
	verdict, ok, seen := "", false, map[string]bool{}
	sc := bufio.NewScanner(io.LimitReader(f, 64<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := logtime.ReplaceAllString(strings.TrimSpace(sc.Text()), "")
		for _, re := range []*regexp.Regexp{expRows, impRows, dpRows} {
			if m := re.FindStringSubmatch(line); m != nil {
				n, _ := strconv.ParseInt(m[2], 10, 64)
				res.rows[strings.ToUpper(m[1])] = n
			}
		}
		for _, c := range codes.FindAllString(line, -1) {
			if !seen[c] {
				seen[c] = true
				res.codes = append(res.codes, c)
			}
		}
		if v, found := setverify.ClassifyLogLine(line); found {
			verdict, ok = v.Line, v.OK
		} else if impOK.MatchString(line) {
			verdict, ok = line, true
		} else if impWarn.MatchString(line) {
			verdict, ok = line, false
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("log %s: %w", path, err)
	}
	switch {
	case verdict == "":
		return res, fmt.Errorf("log %s has no final verdict (empty or truncated): the tool did not finish", path)
	case !ok:
		return res, fmt.Errorf("log %s: %s (codes: %s)", path, verdict, strings.Join(res.codes, ", "))
	case len(res.codes) > 0:
		return res, fmt.Errorf("log %s ends %q but carries %s: none passes silently", path, verdict, strings.Join(res.codes, ", "))
	}
	return res, nil
}

func identify(path string) setverify.DumpHeader {
	f, err := os.Open(path)
	if err != nil {
		return setverify.DumpHeader{}
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	return setverify.IdentifyDump(head[:n])
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

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	if _, err = io.Copy(out, in); err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return out.Sync()
}
