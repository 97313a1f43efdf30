package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
)

func cmdInit(args []string, stdout, stderr io.Writer) int {
	o := host.DefaultInit()
	fs := flag.NewFlagSet("altium-sim init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	root := fs.String("root", "", "folder of the new host (required)")
	fs.StringVar(&o.Product, "product", o.Product, "EnterpriseServer or NexusServer")
	fs.StringVar(&o.Schema, "schema", o.Schema, "Oracle schema (user) of the application")
	fs.StringVar(&o.Password, "password", o.Password, "the schema's password")
	fs.StringVar(&o.AdminPassword, "admin-password", o.AdminPassword, "SYSTEM's password")
	fs.StringVar(&o.Tablespace, "tablespace", o.Tablespace, "the schema's default tablespace")
	fs.StringVar(&o.Domain, "domain", o.Domain, "LocalVault.ini Domain")
	fs.StringVar(&o.FQDN, "fqdn", o.FQDN, "the server's FQDN (WebsiteDomain, https binding host)")
	fs.StringVar(&o.DBHost, "db-host", o.DBHost, "the Oracle host")
	fs.StringVar(&o.Alias, "alias", o.Alias, "the tnsnames.ora alias (DatabaseName)")
	fs.IntVar(&o.Files, "files", o.Files, "documents in the file storage")
	fs.Int64Var(&o.FileSize, "file-size", o.FileSize, "bytes per document")
	fs.IntVar(&o.Tables, "tables", o.Tables, "tables in the schema")
	fs.Int64Var(&o.Rows, "rows", o.Rows, "rows per table (table i holds rows+i)")
	fs.IntVar(&o.AppSessions, "app-sessions", o.AppSessions, "sessions the application holds while IIS runs")
	fs.StringVar(&o.OracleVersion, "oracle-version", "19c", "simulated Oracle release: 11.2, 12.1, 19c or 21c-xe")
	fs.StringVar(&o.LobTablespace, "lob-tablespace", "", "a second tablespace holding every fourth table of the schema")
	fs.IntVar(&o.CompileWarnings, "compile-warnings", 0, "views that compile with warnings on import (IMP-00041, ORA-39082) and stay INVALID until recompiled")
	fs.IntVar(&o.InvalidObjects, "invalid-objects", 0, "objects of the schema that are INVALID for good")
	fs.StringVar(&o.Glogin, "glogin", "", "a glogin.sql for the simulated sqlplus to run after every CONNECT")
	fs.StringVar(&o.NLSLang, "nls-lang", "", "the host's default NLS_LANG for client tools run without one (e.g. GERMAN_GERMANY.WE8MSWIN1252)")
	fs.StringVar(&o.DBCharset, "db-charset", "", "the database character set (default WE8MSWIN1252)")
	fs.Int64Var(&o.UndoRetention, "undo-retention", o.UndoRetention, "UNDO_RETENTION in seconds: how far back exp/expdp FLASHBACK_SCN can read (older: ORA-01555)")
	cdb := fs.Bool("cdb", false, "a container database (needs --pdb; implied by 21c-xe)")
	fs.StringVar(&o.PDB, "pdb", "", "the pluggable database holding the schema (CDB only; 21c-xe: XEPDB1)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cdb && o.PDB == "" {
		fmt.Fprintln(stderr, "altium-sim init: --cdb needs --pdb NAME")
		return 2
	}
	if o.PDB != "" && !*cdb && o.OracleVersion != "21c-xe" {
		fmt.Fprintln(stderr, "altium-sim init: --pdb needs --cdb")
		return 2
	}
	if o.UndoRetention < 0 {
		fmt.Fprintln(stderr, "altium-sim init: --undo-retention must be >= 0")
		return 2
	}
	if *root == "" {
		fmt.Fprintln(stderr, "altium-sim init: --root is required")
		return 2
	}
	abs, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintf(stderr, "altium-sim init: root %q: %v\n", *root, err)
		return 1
	}
	if err := (host.Host{Root: abs}).Init(o, stdout); err != nil {
		fmt.Fprintf(stderr, "altium-sim: %v\n", err)
		return 1
	}
	return 0
}
