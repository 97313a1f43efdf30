package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/localvault"
	"github.com/vaultkeeper/vaultkeeper/checks/tnsnames"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/goora"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlplus"
	"github.com/vaultkeeper/vaultkeeper/reconciler/preflight"
)

// oracleConn is the Oracle side of one action on one server.
type oracleConn struct {
	*oracle.Client
	srv        *manifests.Server
	descriptor string
	alias      string
	schemaPW   string
	t          Timeouts
	log        *slog.Logger
	out        io.Writer
	parfileDir string // dump.ParfileDir of the state dir
	charset    string // the database character set, once read (NLS_LANG)
}

// openOracle resolves the server's connect descriptor (LocalVault DatabaseName → tnsnames.ora)
// and opens the administrative driver the manifest names.
func openOracle(ctx context.Context, s *manifests.Server, t Timeouts, log *slog.Logger, out io.Writer, parfileDir string) (OracleConn, error) {
	lv, err := localvault.ParseFile(s.Spec.LocalVaultIni)
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", s.Metadata.Name, err)
	}
	alias, _ := lv.Get("DatabaseName")
	if alias == "" {
		return nil, fmt.Errorf("server %s: %s has no DatabaseName", s.Metadata.Name, s.Spec.LocalVaultIni)
	}
	// The same resolution as the tnsnames-alias check and `inspect tnsnames --resolve`.
	entry, err := tnsnames.Resolve(s.Spec.Oracle.Tnsnames, alias)
	if err != nil {
		return nil, fmt.Errorf("server %s: alias %s (LocalVault.ini DatabaseName): %w", s.Metadata.Name, alias, err)
	}
	for _, w := range entry.Warnings {
		log.Warn("tnsnames.ora", "alias", alias, "warning", w)
	}
	pw, err := s.Spec.Oracle.SchemaPassword.Resolve()
	if err != nil {
		return nil, fmt.Errorf("server %s spec.oracle.schemaPassword: %w", s.Metadata.Name, err)
	}
	// Administrative actions (user created, privileges granted) are the run's details.
	opt := oracle.Options{CallTimeout: t.Oracle, Log: runLogger(log, out)}
	var client *oracle.Client
	switch s.Spec.Oracle.Admin.Driver {
	case manifests.DriverSqlplus:
		// American messages; sqlplus's answers carry no data a character set could change.
		env := []string{"TNS_ADMIN=" + filepath.Dir(s.Spec.Oracle.Tnsnames), "NLS_LANG=AMERICAN_AMERICA"}
		client = sqlplus.NewAdmin(sqlplus.Config{Path: preflight.SqlplusProgram(s), Env: env, Log: runLogger(log, out), Container: s.Spec.Oracle.PDB}, opt)
	default:
		apw, err := s.Spec.Oracle.Admin.Password.Resolve()
		if err != nil {
			return nil, fmt.Errorf("server %s spec.oracle.admin.password: %w", s.Metadata.Name, err)
		}
		client, err = goora.NewAdmin(goora.Config{Target: goora.InPDB(goora.Target{Descriptor: entry.Descriptor}, s.Spec.Oracle.PDB), User: s.Spec.Oracle.Admin.User,
			Password: apw, CallTimeout: t.Oracle}, opt)
		if err != nil {
			return nil, fmt.Errorf("server %s: %w", s.Metadata.Name, err)
		}
	}
	return &oracleConn{Client: client, srv: s, descriptor: entry.Descriptor, alias: alias, schemaPW: pw, t: t, log: log, out: out, parfileDir: parfileDir}, nil
}

func (c *oracleConn) Descriptor() string { return c.descriptor }

func (c *oracleConn) GrantDBA(ctx context.Context, user string) error {
	return c.Grant(ctx, user, sqlgen.DBA)
}

// RevokeDBA revokes DBA; a user that does not hold it (ORA-01951) is already where we want it.
func (c *oracleConn) RevokeDBA(ctx context.Context, user string) error {
	err := c.Revoke(ctx, user, sqlgen.DBA)
	if oracle.Code(err) == 1951 {
		return nil
	}
	return err
}

// Preflight proves the admin session is in spec.oracle.pdb (when set, else not in a CDB's
// root) and, with mustExist, that user exists there.
func (c *oracleConn) Preflight(ctx context.Context, user string, mustExist bool) error {
	return c.Client.Preflight(ctx, user, c.srv.Spec.Oracle.PDB, mustExist)
}

// GrantBasic grants what the seed's restore grants (CONNECT, RESOURCE, CREATE SESSION),
// EXECUTE on SYS.DBMS_FLASHBACK (the minimal-downtime export) and, for Data Pump servers, READ, WRITE on the dump directory: DROP USER took that grant
// along, and without DBA expdp/impdp fail with ORA-39002, ORA-39070, ORA-39087. The
// restore calls it after CREATE USER and again after REVOKE DBA.
func (c *oracleConn) GrantBasic(ctx context.Context, user string) error {
	if err := c.Grant(ctx, user, sqlgen.Connect, sqlgen.Resource, sqlgen.CreateSession); err != nil {
		return err
	}
	// exp with FLASHBACK_SCN (spec.downtime: minimal) enables flashback through
	// DBMS_FLASHBACK, whose EXECUTE an administrator grants; DROP USER took it along.
	if err := c.GrantFlashback(ctx, user); err != nil {
		return err
	}
	if d := c.srv.Spec.Oracle.Dump; d.Tool == manifests.DumpExpdp {
		return c.GrantDirectory(ctx, user, d.Directory)
	}
	return nil
}

// dumpBin is the path of an Oracle tool in spec.oracle.dump.bin (or the name, for PATH),
// the program the preflight checks.
func (c *oracleConn) dumpBin(tool string) string { return preflight.DumpProgram(c.srv, tool) }

// LoginSchema logs on as the schema user with spec.oracle.schemaPassword.
func (c *oracleConn) LoginSchema(ctx context.Context) error {
	return c.Login(ctx, c.descriptor, strings.ToUpper(c.srv.Spec.Oracle.Schema), c.schemaPW)
}
