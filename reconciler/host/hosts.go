package host

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/preflight"
	"github.com/vaultkeeper/vaultkeeper/reconciler/restore"
)

// Host is the set of adapters that act on one server.
type Host struct {
	IIS   backup.IIS
	Files interface {
		backup.FileBackup
		restore.FileRestore
	}
	// Oracle opens the administrative connection and the dump tools; the caller closes it.
	Oracle func(ctx context.Context) (OracleConn, error)
	// BackupTools and RestoreTools are the programs the adapters start for a backup and a
	// restore, for the runbooks' preflight (preflight.BackupTools, RestoreTools).
	BackupTools, RestoreTools []preflight.Tool
	Timeouts
}

// OracleConn is everything the runbooks ask of Oracle for one action.
type OracleConn interface {
	restore.Admin
	backup.Exporter
	backup.Flashback
	restore.Importer
	// Login checks credentials (the oracle-login check).
	Login(ctx context.Context, descriptor, user, password string) error
	// LoginSchema logs on as the schema user with the manifest's spec.oracle.schemaPassword
	// (the logon the export will use), for the preflight.
	LoginSchema(ctx context.Context) error
	// Descriptor is the connect descriptor of the LocalVault DatabaseName alias.
	Descriptor() string
	Close() error
}

// Timeouts are a server's step limits, parsed.
type Timeouts struct {
	ServiceStop, Avbackup, Dump, Oracle time.Duration
}

// Factory builds the adapters of a server.
type Factory interface {
	For(s *manifests.Server, out io.Writer) (*Host, error)
}

// Real drives the tools the manifests name.
type Real struct {
	Log *slog.Logger
	// ParfileDir holds the tools' parfiles (dump.ParfileDir of the state dir).
	ParfileDir string
}

// ParseTimeouts reads a server's (validated, defaulted) timeouts.
func ParseTimeouts(s *manifests.Server) Timeouts {
	d := func(v string, def time.Duration) time.Duration {
		if x, err := manifests.ParseDuration(v); err == nil && x > 0 {
			return x
		}
		return def
	}
	t := s.Spec.Timeouts
	return Timeouts{ServiceStop: d(t.ServiceStop, 5*time.Minute), Avbackup: d(t.Avbackup, 2*time.Hour),
		Dump: d(t.Dump, 2*time.Hour), Oracle: d(t.Oracle, 10*time.Minute)}
}

// For builds the adapters of s; out receives the tools' output lines (the run log).
func (h Real) For(s *manifests.Server, out io.Writer) (*Host, error) {
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("server", s.Metadata.Name)
	rl := runLogger(log, out)
	t := ParseTimeouts(s)
	return &Host{
		IIS: IIS{StopArgv: s.Spec.IIS.Stop, StartArgv: s.Spec.IIS.Start, Timeout: t.ServiceStop, Log: rl, Output: out,
			State: DefaultIISState(s.Spec.IIS.Stop, s.Spec.IIS.Site)},
		Files:        Avbackup{Path: s.Spec.Avbackup, Ini: s.Spec.LocalVaultIni, Timeout: t.Avbackup, Log: rl, Output: out},
		Oracle:       func(ctx context.Context) (OracleConn, error) { return openOracle(ctx, s, t, log, out, h.ParfileDir) },
		BackupTools:  preflight.BackupTools(s),
		RestoreTools: preflight.RestoreTools(s),
		Timeouts:     t,
	}, nil
}

// ParfileDir is where the dump tools' parfiles live under the state dir stateDir.
func ParfileDir(stateDir string) string { return dump.ParfileDir(stateDir) }

// runLogger is the logger of a run's details (a tool that had nothing to do, an Oracle user
// created, a privilege granted, SQL*Plus's output at Debug): the run's log file out when
// there is one, debug lines included, else log. The agent's log keeps one line per step
// and one summary per run (issue 16).
func runLogger(log *slog.Logger, out io.Writer) *slog.Logger {
	if out == nil {
		return log
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// toolLog is the logger a tool run streams its output lines to (at Debug): none when the
// lines go to the run's log file out, so that a tool's output never reaches the agent's
// log twice or at all.
func toolLog(log *slog.Logger, out io.Writer) *slog.Logger {
	if out != nil {
		return nil
	}
	return log
}
