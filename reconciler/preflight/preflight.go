package preflight

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/outcome"
)

// Stalled reasons, the Reason of the outcome.Stalled errors this package returns.
const (
	ToolMissing        = "ToolMissing"
	DestinationMissing = "DestinationMissing"
	DestinationInvalid = "DestinationNotWritable"
	LoginDenied        = "LoginDenied"
)

// Headroom is the factor applied to the largest last set of the server's policies: free
// space must be at least that much (or the policy's minFreeBytes, when larger).
const Headroom = 1.2

// Tool is a program a runbook starts, named by the manifest field that gives it.
type Tool struct {
	Server string // the Server's name
	Field  string // spec.avbackup, spec.oracle.admin.sqlplus, spec.oracle.dump.bin
	Path   string // as the host adapter passes it to os/exec: a path, or a name on PATH
}

// DumpProgram is the program the host runs for an Oracle dump tool (exp, imp, expdp,
// impdp): in spec.oracle.dump.bin, or the bare name, found on PATH.
func DumpProgram(s *manifests.Server, tool string) string {
	if s.Spec.Oracle.Dump.Bin == "" {
		return tool
	}
	return manifests.JoinPath(s.Spec.Oracle.Dump.Bin, tool)
}

// SqlplusProgram is the sqlplus the admin driver runs ("sqlplus" on PATH by default).
func SqlplusProgram(s *manifests.Server) string {
	if s.Spec.Oracle.Admin.Sqlplus == "" {
		return "sqlplus"
	}
	return s.Spec.Oracle.Admin.Sqlplus
}

// BackupTools are the programs a backup of s starts: avbackup, exp or expdp, and sqlplus
// when it is the admin driver.
func BackupTools(s *manifests.Server) []Tool {
	exp := "exp"
	if s.Spec.Oracle.Dump.Tool == manifests.DumpExpdp {
		exp = "expdp"
	}
	return tools(s, exp)
}

// RestoreTools are the programs a restore into s starts: avbackup, imp or impdp, and
// sqlplus when it is the admin driver.
func RestoreTools(s *manifests.Server) []Tool {
	imp := "imp"
	if s.Spec.Oracle.Dump.Tool == manifests.DumpExpdp {
		imp = "impdp"
	}
	return tools(s, imp)
}

func tools(s *manifests.Server, dump string) []Tool {
	name := s.Metadata.Name
	out := []Tool{{Server: name, Field: "spec.avbackup", Path: s.Spec.Avbackup},
		{Server: name, Field: "spec.oracle.dump.bin", Path: DumpProgram(s, dump)}}
	if s.Spec.Oracle.Admin.Driver == manifests.DriverSqlplus {
		out = append(out, Tool{Server: name, Field: "spec.oracle.admin.sqlplus", Path: SqlplusProgram(s)})
	}
	return out
}

// CheckTool proves t can be started the way os/exec starts it (exec.Command resolves an
// absolute path's PATHEXT extension on Windows, and a bare name on PATH, with
// exec.LookPath): on Unix the file exists, is not a folder and has an execute bit; on
// Windows the file exists as given with an extension, or with one of PATHEXT's
// (.COM;.EXE;.BAT;.CMD by default) appended, as cmd.exe finds it. A failure is stalled.
func CheckTool(t Tool) error {
	if t.Path == "" {
		return outcome.Stalledf(ToolMissing, "server %s %s: no program given", t.Server, t.Field)
	}
	if _, err := exec.LookPath(t.Path); err != nil {
		return outcome.Stalled(ToolMissing, fmt.Errorf("server %s %s: %s cannot be started: %w", t.Server, t.Field, t.Path, err))
	}
	return nil
}

// CheckRoot proves the destination root of policy exists, is a folder and is writable, by
// creating and removing a small file in it. It never creates the root.
func CheckRoot(policy, root string) error {
	fi, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist) || isNotDir(err):
		return outcome.Stalledf(DestinationMissing,
			"policy %s spec.destination: %s does not exist; it is never created (an unmounted drive or share would send the backups to the system disk): mount or create it, or change spec.destination",
			policy, root)
	case err != nil:
		return fmt.Errorf("policy %s spec.destination %s: %w", policy, root, err)
	case !fi.IsDir():
		return outcome.Stalledf(DestinationInvalid, "policy %s spec.destination: %s is not a folder", policy, root)
	}
	f, err := os.CreateTemp(root, ".vaultkeeper-preflight-*")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || isReadOnly(err) {
			return outcome.Stalled(DestinationInvalid, fmt.Errorf("policy %s spec.destination %s is not writable: %w", policy, root, err))
		}
		return fmt.Errorf("policy %s spec.destination %s: write test: %w", policy, root, err)
	}
	name := f.Name()
	cerr := f.Close()
	if err := errors.Join(cerr, os.Remove(name)); err != nil {
		return fmt.Errorf("policy %s spec.destination %s: write test: %w", policy, root, err)
	}
	return nil
}

// Need is the free space a backup asks for: the largest of lastSets (the last set of each
// policy of the server) times Headroom, or minFree when that is larger. 0: nothing known.
func Need(lastSets []int64, minFree int64) int64 {
	var largest int64
	for _, n := range lastSets {
		largest = max(largest, n)
	}
	return max(int64(float64(largest)*Headroom), minFree)
}

// CheckFree proves the destination root has need bytes free (free measures it). Too little
// space is transient: retried with backoff, since sets may be pruned or the volume grown.
func CheckFree(policy, root string, need int64, free func(string) (int64, error)) error {
	if need <= 0 || free == nil {
		return nil
	}
	n, err := free(root)
	if err != nil {
		return fmt.Errorf("policy %s spec.destination %s: %w", policy, root, err)
	}
	if n < need {
		return fmt.Errorf("destination %s has %d bytes free, the set needs about %d (%.1f × the largest last set of the server, or spec.minFreeBytes): free space or change spec.destination of policy %s",
			root, n, need, Headroom, policy)
	}
	return nil
}

// Login is one Oracle logon to prove, named for the message.
type Login struct {
	What string // "schema AESUSER313 with spec.oracle.schemaPassword", "admin connection"
	Do   func(ctx context.Context) error
}

// CheckLogin runs l and classifies its failure: a refused logon (ORA-01017: wrong user or
// password; ORA-28000: the account is locked) and a session in the wrong place
// (oracle.ErrPreflight) are stalled, since retrying a wrong password counts toward the
// profile's FAILED_LOGIN_ATTEMPTS (10 in the DEFAULT profile) and locks the account; an
// unreachable database (ORA-12541, ORA-12514, …) is transient.
func CheckLogin(ctx context.Context, server string, l Login) error {
	err := l.Do(ctx)
	if err == nil {
		return nil
	}
	err = fmt.Errorf("server %s: %s: %w", server, l.What, err)
	switch code := oracle.Code(err); {
	case code == oracle.ErrInvalidLogon || code == oracle.ErrAccountLocked:
		return outcome.Stalled(LoginDenied, fmt.Errorf("%w; not retried by itself (each failed logon counts toward FAILED_LOGIN_ATTEMPTS and would lock the account): fix the secret, then change it or run `vaultkeeper reconcile`", err))
	case errors.Is(err, oracle.ErrPreflight):
		return outcome.Stalled("PreflightFailed", err)
	}
	return err
}

// Checks are the preflight of one run.
type Checks struct {
	Server string
	Tools  []Tool
	// Policy and Root name the primary destination to check; "" skips it.
	Policy, Root string
	// Need is the free space asked for at Root (see Need); Free measures it.
	Need int64
	Free func(path string) (int64, error)
	// Logins are tried in order, after the tools; the first failure ends them (an
	// unreachable database answers no better to the second).
	Logins []Login
}

// Run performs every check and returns their failures joined, as outcome.Stalled when
// any of them is a configuration error (the first one's reason).
func (c Checks) Run(ctx context.Context) error {
	var errs []error
	for _, t := range c.Tools {
		errs = append(errs, CheckTool(t))
	}
	toolsOK := errors.Join(errs...) == nil
	if c.Root != "" {
		err := CheckRoot(c.Policy, c.Root)
		if err == nil {
			err = CheckFree(c.Policy, c.Root, c.Need, c.Free)
		}
		errs = append(errs, err)
	}
	if toolsOK {
		for _, l := range c.Logins {
			if err := CheckLogin(ctx, c.Server, l); err != nil {
				errs = append(errs, err)
				break
			}
		}
	}
	err := errors.Join(errs...)
	if err == nil {
		return nil
	}
	for _, e := range errs {
		if outcome.Kind(e) == "stalled" {
			return outcome.Stalled(outcome.Reason(e), fmt.Errorf("preflight: %w", err))
		}
	}
	return fmt.Errorf("preflight: %w", err)
}

// Fingerprint identifies the state of the files a stalled preflight depends on (whether
// each exists, its kind, mode, size and, for files, modification time): when it changes,
// a person may have fixed the cause and the run is tried again.
func Fingerprint(paths ...string) string {
	h := sha256.New()
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00", p)
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			fmt.Fprintf(h, "missing\x00")
		case fi.IsDir():
			fmt.Fprintf(h, "dir %v\x00", fi.Mode())
		default:
			fmt.Fprintf(h, "file %v %d %d\x00", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Inputs are the files a preflight of s (and pol, when not nil) depends on: the tools
// (with the PATHEXT variants a Windows host may resolve), the secret files and the
// destination root.
func Inputs(s *manifests.Server, pol *manifests.BackupPolicy) []string {
	var out []string
	for _, t := range append(BackupTools(s), RestoreTools(s)...) {
		out = append(out, t.Path)
		if filepath.Ext(t.Path) == "" {
			for _, ext := range []string{".exe", ".bat", ".cmd", ".com"} {
				out = append(out, t.Path+ext)
			}
		}
	}
	for _, f := range []string{s.Spec.Oracle.SchemaPassword.File, s.Spec.Oracle.Admin.Password.File} {
		if f != "" {
			out = append(out, f)
		}
	}
	if pol != nil {
		out = append(out, pol.Spec.Destination)
	}
	return out
}
