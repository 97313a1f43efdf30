package host

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// InitOptions are the flags of `altium-sim init`.
type InitOptions struct {
	Product       string // EnterpriseServer or NexusServer
	Domain        string
	FQDN          string
	Schema        string
	Password      string
	AdminPassword string
	Tablespace    string
	DBHost        string
	Alias         string
	Files         int
	FileSize      int64
	Tables        int
	Rows          int64
	AppSessions   int
	// OracleVersion is the simulated release (simdb.Releases; "" is 19c).
	OracleVersion string
	// LobTablespace puts every fourth table of the schema in a second tablespace.
	LobTablespace string
	// CompileWarnings views of the schema compile with warnings on import; InvalidObjects
	// objects are INVALID for good.
	CompileWarnings, InvalidObjects int
	// Glogin is a file copied to the host's glogin.sql, run after every sqlplus CONNECT.
	Glogin string
	// NLSLang is the host's default NLS_LANG (see Host.NLSLang); DBCharset the database
	// character set ("" → WE8MSWIN1252).
	NLSLang, DBCharset string
	// PDB makes the database a CDB whose pluggable database PDB holds the schema; the
	// tnsnames alias then names the PDB's service. 21c-xe is always a CDB (PDB XEPDB1).
	PDB string
	// UndoRetention is the database's UNDO_RETENTION in seconds (how long an export with
	// FLASHBACK_SCN can read back; see simdb's undo model).
	UndoRetention int64
}

// DefaultInit returns the defaults of `altium-sim init`.
func DefaultInit() InitOptions {
	return InitOptions{Product: "EnterpriseServer", Domain: "CORP", FQDN: "aes.corp.example.com",
		Schema: "AESUSER313", Password: "Altium", AdminPassword: "Manager19c", Tablespace: "USERS",
		DBHost: "oradb01.corp.example.com", Alias: "XE", Files: 40, FileSize: 4096, Tables: 12,
		Rows: 100, AppSessions: 3, UndoRetention: simdb.DefaultUndoRetention}
}

// Init lays out a new host at h.Root (which must be empty or absent), copies the running
// executable into bin/ with its tool links, and prints each path it created to out.
func (h Host) Init(o InitOptions, out io.Writer) error {
	if o.Product != "EnterpriseServer" && o.Product != "NexusServer" {
		return fmt.Errorf("init: product %q: want EnterpriseServer or NexusServer", o.Product)
	}
	rel, err := simdb.ParseRelease(o.OracleVersion)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if rel == simdb.Release21XE && o.PDB == "" {
		o.PDB = "XEPDB1" // XE 18c/21c is always a CDB
	}
	if o.PDB != "" && rel == simdb.Release112 {
		return fmt.Errorf("init: --pdb %s: 11.2 has no multitenant architecture", o.PDB)
	}
	service := o.Alias
	if o.PDB != "" {
		service = o.PDB
	}
	if entries, err := os.ReadDir(h.Root); err == nil && len(entries) > 0 {
		return fmt.Errorf("init: root %q is not empty", h.Root)
	}
	for _, d := range []string{h.Root, h.Bin(), h.Secrets(), h.FileStorage(), h.DataPumpDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("init: create %q: %w", d, err)
		}
	}
	installDir := `C:\Program Files (x86)\Altium\Altium365`
	if o.Product == "NexusServer" {
		installDir = `C:\Program Files (x86)\Altium\Altium NEXUS Server`
	}
	lv := LocalVault{Domain: o.Domain, WebsiteDomain: o.FQDN, DataSourceType: "Oracle", User: strings.ToUpper(o.Schema),
		Password: o.Password, DBLocation: o.DBHost + ":1521", DatabaseName: o.Alias}
	site := SiteName(o.Product)
	files := []struct {
		path string
		data string
		perm os.FileMode
	}{
		{h.LocalVault(), lv.Render(), 0o644},
		{h.AppHostConfig(), RenderAppHostConfig(site, o.FQDN, installDir), 0o644},
		{h.Tnsnames(), RenderTnsnamesService(o.Alias, o.DBHost, service), 0o644},
		{filepath.Join(h.Secrets(), "schema-password"), o.Password, 0o600},
		{filepath.Join(h.Secrets(), "admin-password"), o.AdminPassword, 0o600},
		{h.Faults(), faultsTemplate, 0o644},
		{h.Events(), "", 0o644},
		{h.Epoch(), strconv.FormatInt(MonoNow(), 10) + "\n", 0o644},
	}
	for _, f := range files {
		if err := writeFileAtomic(f.path, []byte(f.data), f.perm); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		fmt.Fprintln(out, f.path)
	}
	iis := &IIS{Running: map[string]bool{}, Sites: map[string]string{"Default Web Site": "Stopped", site: "Started"},
		AutoStart: []string{site}, AppSite: site, AppSessions: o.AppSessions}
	for _, sv := range Services {
		iis.Running[sv.Name] = true
	}
	if err := h.WriteIIS(iis); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	fmt.Fprintln(out, h.IISState())
	st, err := simdb.Seed(simdb.SeedOptions{Schema: o.Schema, Password: o.Password, Tablespace: o.Tablespace,
		AdminPassword: o.AdminPassword, Tables: o.Tables, Rows: o.Rows, DataPumpDir: h.DataPumpDir(), Generation: 1,
		Release: o.OracleVersion, LobTablespace: o.LobTablespace, CompileWarnings: o.CompileWarnings, Broken: o.InvalidObjects, PDB: o.PDB, Charset: o.DBCharset})
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	retention := o.UndoRetention
	st.UndoRetention = &retention
	if err := simdb.Create(h.Root, st); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	fmt.Fprintln(out, simdb.Dir(h.Root))
	if o.NLSLang != "" {
		if err := writeFileAtomic(h.NLSLang(), []byte(o.NLSLang+"\n"), 0o644); err != nil {
			return fmt.Errorf("init: %w", err)
		}
	}
	if o.Glogin != "" {
		raw, err := os.ReadFile(o.Glogin)
		if err != nil {
			return fmt.Errorf("init: --glogin: %w", err)
		}
		if err := writeFileAtomic(h.Glogin(), raw, 0o644); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		fmt.Fprintln(out, h.Glogin())
	}
	fmt.Fprintln(out, h.DataPumpDir())
	if err := h.GenerateStorage(o.Files, o.FileSize); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if err := h.WriteFilesGeneration(1); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	fmt.Fprintln(out, h.FileStorage())
	if err := h.installBinaries(out); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	return nil
}

// installBinaries copies the running executable to bin/altium-sim and links the tools to
// it (symbolic links; copies on Windows, where each gets the .exe suffix).
func (h Host) installBinaries(out io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate executable: %w", err)
	}
	suffix := ""
	if runtime.GOOS == "windows" {
		suffix = ".exe"
	}
	main := filepath.Join(h.Bin(), "altium-sim"+suffix)
	if err := copyFile(exe, main); err != nil {
		return err
	}
	fmt.Fprintln(out, main)
	for _, t := range Tools {
		link := filepath.Join(h.Bin(), t+suffix)
		if runtime.GOOS == "windows" {
			err = copyFile(exe, link)
		} else {
			err = os.Symlink("altium-sim", link)
		}
		if err != nil {
			return fmt.Errorf("install %q: %w", link, err)
		}
		fmt.Fprintln(out, link)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy %q: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return fmt.Errorf("copy to %q: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy to %q: %w", dst, err)
	}
	return out.Close()
}

const faultsTemplate = `# altium-sim fault injection: one entry per tool (avbackup, exp, imp, expdp, impdp,
# sqlplus, net, appcmd), or db for database-wide faults. Keys:
#   exit: N           fail with exit code N and a plausible message
#   hang: true        block until killed
#   hangUntil: FILE   block until FILE exists
#   slow: 2s          sleep before working
#   partialOutput: true   write half the output, then fail
#   corruptZip: true      (avbackup backup) flip bytes inside the zip
#   truncateDump: true    (exp, expdp) stop the dump before its trailer, report success
#   diskFull: true        write until an out-of-space error
#   garbage: true         print garbage and exit 0
#   sessions: N           (db or sqlplus) the application holds N sessions even with IIS stopped
#   count: N              apply only to the next N calls (decremented here)
#   match: TEXT           apply only to calls whose argv or stdin (sqlplus's script)
#                         contains TEXT, case-insensitively (e.g. match: DROP USER)
#   skip: N               let the first N matching calls pass, then apply
# Example:
# exp:
#   truncateDump: true
#   count: 1
`
