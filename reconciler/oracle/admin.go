package oracle

import (
	"context"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// Admin is everything vaultkeeper asks of Oracle as an administrator. Every method runs
// under ctx and the implementation's per-call timeout; Oracle failures wrap *OraError.
type Admin interface {
	// Ping proves the administrative connection works.
	Ping(ctx context.Context) error
	// Login proves user/password can log on through descriptor (a one-line
	// "(DESCRIPTION=…)" from tnsnames.ora, or a tnsnames alias where the driver resolves
	// aliases). It is what the oracle-login check calls.
	Login(ctx context.Context, descriptor, user, password string) error
	// UserExists reports whether the user exists.
	UserExists(ctx context.Context, user string) (bool, error)
	// DropUserCascade drops the user and its schema. A user already gone is not an error;
	// a connected user is locked, its sessions ended, and the drop retried (bounded).
	DropUserCascade(ctx context.Context, user string) error
	// CreateUser creates the user with its password and default tablespace.
	CreateUser(ctx context.Context, user, password, tablespace string) error
	// Grant grants roles or system privileges.
	Grant(ctx context.Context, user string, privs ...sqlgen.Privilege) error
	// Revoke revokes them; revoking one not granted fails (ORA-01951/ORA-01952).
	Revoke(ctx context.Context, user string, privs ...sqlgen.Privilege) error
	// HasRole reports whether role is granted to user directly.
	HasRole(ctx context.Context, user, role string) (bool, error)
	// SchemaTablespaces lists the tablespaces holding the schema's segments, tables,
	// indexes and LOBs.
	SchemaTablespaces(ctx context.Context, schema string) ([]string, error)
	// GrantQuota gives user an unlimited quota on tablespace.
	GrantQuota(ctx context.Context, user, tablespace string) error
	// NoQuota returns those of tablespaces user cannot allocate in (ORA-01950 at the
	// next extent): neither UNLIMITED TABLESPACE nor a quota with room there.
	NoQuota(ctx context.Context, user string, tablespaces []string) ([]string, error)
	// InvalidCount counts the schema's objects with status INVALID.
	InvalidCount(ctx context.Context, schema string) (int, error)
	// CompileSchema recompiles the schema's invalid objects (DBMS_UTILITY.COMPILE_SCHEMA).
	CompileSchema(ctx context.Context, schema string) error
	// DatabaseCharset returns the database character set (NLS_CHARACTERSET).
	DatabaseCharset(ctx context.Context) (string, error)
	// GrantDirectory grants READ, WRITE on a directory object; CheckDirectory proves both.
	GrantDirectory(ctx context.Context, user, dir string) error
	CheckDirectory(ctx context.Context, user, dir string) error
	// DefaultTablespace returns the user's default tablespace.
	DefaultTablespace(ctx context.Context, user string) (string, error)
	// SessionCount counts the user's sessions.
	SessionCount(ctx context.Context, user string) (int, error)
	// ObjectCounts counts the schema's objects by type (TABLE, INDEX, …).
	ObjectCounts(ctx context.Context, schema string) (map[string]int, error)
	// RowCounts counts the rows of each of the schema's tables.
	RowCounts(ctx context.Context, schema string) (map[string]int64, error)
	// Close releases the connection.
	Close() error
}

// Login is the part of Admin the oracle-login check needs.
type Login interface {
	Login(ctx context.Context, descriptor, user, password string) error
}

// Driver runs single statements as the administrator: the only thing that differs
// between go-ora and sqlplus. Errors from Oracle wrap *OraError.
type Driver interface {
	// Exec runs a statement or PL/SQL block that returns no rows.
	Exec(ctx context.Context, s sqlgen.Stmt) error
	// Query runs a query and returns its rows, each column as text (NULL as "").
	Query(ctx context.Context, s sqlgen.Stmt) ([][]string, error)
	// QueryMany runs several queries (on one connection or in one script) and returns
	// the rows of each, in order.
	QueryMany(ctx context.Context, ss []sqlgen.Stmt) ([][][]string, error)
	// Login logs on as user/password through descriptor and off again.
	Login(ctx context.Context, descriptor, user, password string) error
	// Close releases resources.
	Close() error
}
