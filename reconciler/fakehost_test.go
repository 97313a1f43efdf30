package reconciler

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/manifests/source"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/snapshot"
)

// This file holds in-process fakes of everything the agent reaches outside itself: a clock,
// a manifests source and a host.Factory whose IIS, avbackup and Oracle record what they are
// asked and write small but structurally valid artifacts, so that the real runbooks
// (backup.Run, catalog publish, setverify L1/L2, retention) run unchanged on them.

// fakeClock is Options.Now (and the store's Now) of a simulation; the test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fakeSource serves one folder of manifests as a fixed revision.
type fakeSource struct {
	dir string
	mu  sync.Mutex
	rev string // ID returned by the last Fetch
	err error  // returned by Fetch when set
}

var _ source.Source = (*fakeSource)(nil)

func (s *fakeSource) Fetch(ctx context.Context) (source.Revision, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return source.Revision{}, false, s.err
	}
	const id = "sha256:simulated"
	changed := s.rev != id
	s.rev = id
	return source.Revision{ID: id, Dir: s.dir}, changed, nil
}

func (s *fakeSource) Changes() <-chan struct{} { return nil }
func (s *fakeSource) Close() error             { return nil }

// hostEvent is one thing a fake host was asked to do.
type hostEvent struct {
	Op   string // stop-iis, start-iis, avbackup, export, avbackup-restore, import, drop-user, create-user, grant-dba, revoke-dba
	At   time.Time
	Path string // the zip or dump written or read; for statements, the user
	Err  error
}

// fakeHosts is a host.Factory with one fakeHost per server name.
type fakeHosts struct {
	clock *fakeClock
	mu    sync.Mutex
	hosts map[string]*fakeHost
}

func newFakeHosts(clock *fakeClock) *fakeHosts {
	return &fakeHosts{clock: clock, hosts: map[string]*fakeHost{}}
}

// host returns the fake of server, creating it.
func (f *fakeHosts) host(server string) *fakeHost {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hosts[server]
	if h == nil {
		h = &fakeHost{name: server, clock: f.clock}
		f.hosts[server] = h
	}
	return h
}

func (f *fakeHosts) For(s *manifests.Server, out io.Writer) (*host.Host, error) {
	h := f.host(s.Metadata.Name)
	return &host.Host{
		IIS:   fakeIIS{h},
		Files: fakeFiles{h},
		Oracle: func(ctx context.Context) (host.OracleConn, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.conns++
			return &fakeConn{h: h, schema: strings.ToUpper(s.Spec.Oracle.Schema)}, nil
		},
		Timeouts: host.ParseTimeouts(s),
	}, nil
}

// fakeHost is one simulated Altium host: it records the calls and fails on demand.
type fakeHost struct {
	name  string
	clock *fakeClock

	mu     sync.Mutex
	events []hostEvent
	conns  int // Oracle connections open (opened minus closed)
	// failExport, failStop, failAvbackup make the next N calls of that kind fail.
	failExport, failStop, failAvbackup int
	iisDown                            bool
	// failRevoke makes the next N REVOKE DBA fail as Oracle does when it is not up yet.
	failRevoke int
	// quotas lists the quota grants asked (user tablespace), kept apart from events.
	quotas []string
}

func (h *fakeHost) record(op, path string, err error) {
	h.mu.Lock()
	h.events = append(h.events, hostEvent{Op: op, At: h.clock.Now(), Path: path, Err: err})
	h.mu.Unlock()
}

// take consumes one injected failure from *n.
func (h *fakeHost) take(n *int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if *n > 0 {
		*n--
		return true
	}
	return false
}

// Events returns a copy of the events so far.
func (h *fakeHost) Events() []hostEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hostEvent(nil), h.events...)
}

func (h *fakeHost) IISDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.iisDown
}

func (h *fakeHost) OpenConns() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns
}

type fakeIIS struct{ h *fakeHost }

func (i fakeIIS) Stop(ctx context.Context) error {
	var err error
	if i.h.take(&i.h.failStop) {
		err = errors.New("net stop WAS: System error 5 has occurred (simulated)")
	} else {
		i.h.mu.Lock()
		i.h.iisDown = true
		i.h.mu.Unlock()
	}
	i.h.record("stop-iis", "", err)
	return err
}

func (i fakeIIS) Start(ctx context.Context) error {
	i.h.mu.Lock()
	i.h.iisDown = false
	i.h.mu.Unlock()
	i.h.record("start-iis", "", nil)
	return nil
}

type fakeFiles struct{ h *fakeHost }

// Backup writes a small valid zip, as avbackup backup -z does.
func (f fakeFiles) Backup(ctx context.Context, zipPath string) error {
	if f.h.take(&f.h.failAvbackup) {
		err := errors.New("avbackup: simulated failure")
		f.h.record("avbackup", zipPath, err)
		return err
	}
	err := writeFakeZip(zipPath, f.h.clock.Now())
	f.h.record("avbackup", zipPath, err)
	return err
}

func (f fakeFiles) Restore(ctx context.Context, zipPath string) error {
	f.h.record("avbackup-restore", zipPath, nil)
	return nil
}

func writeFakeZip(path string, now time.Time) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	entries := []struct {
		name   string
		body   string
		method uint16
	}{
		{"FileStorage/" + now.UTC().Format("20060102T150405") + ".txt", "generation " + now.UTC().Format(time.RFC3339), zip.Store},
		{"FileStorage/library/parts.xml", strings.Repeat("<part id='r1' footprint='0603'/>\n", 200), zip.Deflate},
		{"FileStorage/projects/", "", zip.Store},
		{"FileStorage/projects/board.PcbDoc", strings.Repeat("pcb layer via pad drill ", 300), zip.Deflate},
	}
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method, Modified: now})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o640)
}

// The fake schema: fixed object counts, and the rows each table's export reports.
var (
	fakeObjects = map[string]int{"TABLE": 3, "INDEX": 5, "SEQUENCE": 2, "VIEW": 1}
	fakeRows    = map[string]int64{"ALU_ITEM": 12, "ALU_REVISION": 30, "ALU_ACL": 5}
)

// fakeConn is the Oracle side of one action.
type fakeConn struct {
	h      *fakeHost
	schema string
	closed bool
}

// Export writes a classic exp dump (header 0x03, charset 178, EXPORT:V19.00.00, the EXIT
// trailer) and its log, then reads them back the way the real adapter does: the dump must
// pass dumpid.Check, the log is classified by checks/oralog, and the record is built by
// snapshot.Record against the admin counts.
func (c *fakeConn) Export(ctx context.Context, dumpPath, logPath string) (backup.Export, error) {
	if c.h.take(&c.h.failExport) {
		log := "Connected to: Oracle Database 19c Enterprise Edition\n" +
			"EXP-00056: ORACLE error 12541 encountered\nORA-12541: TNS:no listener\n" +
			"EXP-00000: Export terminated unsuccessfully\n"
		_ = os.WriteFile(logPath, []byte(log), 0o640)
		err := fmt.Errorf("exp of %s: EXP-00056 (ORACLE error encountered (logon)), see %s (simulated)", c.schema, logPath)
		c.h.record("export", dumpPath, err)
		return backup.Export{}, err
	}
	body := []byte("\x03\x00\xb2EXPORT:V19.00.00\nD" + c.schema + "\nRUSERS\n")
	body = append(body, bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7}, 512)...)
	body = append(body, "EXIT\nEXIT\n"...)
	if err := os.WriteFile(dumpPath, body, 0o640); err != nil {
		return backup.Export{}, err
	}
	var log strings.Builder
	log.WriteString("Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production\n")
	log.WriteString("Export done in WE8MSWIN1252 character set and AL16UTF16 NCHAR character set\n")
	log.WriteString(". about to export " + c.schema + "'s tables via Conventional Path ...\n")
	for _, t := range []string{"ALU_ACL", "ALU_ITEM", "ALU_REVISION"} {
		fmt.Fprintf(&log, ". . exporting table %34s %10d rows exported\n", t, fakeRows[t])
	}
	log.WriteString("Export terminated successfully without warnings.\n")
	if err := os.WriteFile(logPath, []byte(log.String()), 0o640); err != nil {
		return backup.Export{}, err
	}
	info, err := dumpid.Identify(dumpPath)
	if err != nil {
		return backup.Export{}, err
	}
	if err := dumpid.Check(info, dumpid.Classic); err != nil {
		return backup.Export{}, fmt.Errorf("fake dump rejected: %w", err)
	}
	res, err := oralog.Parse(strings.NewReader(log.String()))
	if err != nil {
		return backup.Export{}, err
	}
	out := dump.Outcome{Tool: dump.Exp, Log: res}
	meta, err := snapshot.Record(ctx, c, c.schema, out)
	if err != nil {
		return backup.Export{}, err
	}
	ex := backup.Export{Objects: meta.Objects, Rows: meta.Rows, Warnings: meta.Warnings}
	ex.Tool, ex.Version, ex.Charset = snapshot.Tools(out, info)
	c.h.record("export", dumpPath, nil)
	return ex, nil
}

func (c *fakeConn) Import(ctx context.Context, dumpPath, logPath, from, to string, remap map[string]string) error {
	c.h.record("import", dumpPath+" "+from+">"+to, nil)
	return os.WriteFile(logPath, []byte("Import terminated successfully without warnings.\n"), 0o640)
}

func (c *fakeConn) DropUserCascade(ctx context.Context, user string) error {
	c.h.record("drop-user", user, nil)
	return nil
}
func (c *fakeConn) CreateUser(ctx context.Context, user, password, tablespace string) error {
	c.h.record("create-user", user, nil)
	return nil
}
func (c *fakeConn) GrantDBA(ctx context.Context, user string) error {
	c.h.record("grant-dba", user, nil)
	return nil
}
func (c *fakeConn) RevokeDBA(ctx context.Context, user string) error {
	if c.h.take(&c.h.failRevoke) {
		err := errors.New("ORA-12541: TNS:no listener")
		c.h.record("revoke-dba", user, err)
		return err
	}
	c.h.record("revoke-dba", user, nil)
	return nil
}
func (c *fakeConn) GrantBasic(ctx context.Context, user string) error { return nil }
func (c *fakeConn) SchemaTablespaces(ctx context.Context, schema string) ([]string, error) {
	return []string{"USERS"}, nil
}
func (c *fakeConn) GrantQuota(ctx context.Context, user, tablespace string) error {
	c.h.mu.Lock()
	c.h.quotas = append(c.h.quotas, user+" "+tablespace)
	c.h.mu.Unlock()
	return nil
}
func (c *fakeConn) NoQuota(ctx context.Context, user string, tablespaces []string) ([]string, error) {
	return nil, nil
}
func (c *fakeConn) DefaultTablespace(ctx context.Context, user string) (string, error) {
	return "USERS", nil
}
func (c *fakeConn) InvalidCount(ctx context.Context, schema string) (int, error)     { return 0, nil }
func (c *fakeConn) Preflight(ctx context.Context, user string, mustExist bool) error { return nil }
func (c *fakeConn) CompileSchema(ctx context.Context, schema string) error           { return nil }
func (c *fakeConn) HasRole(ctx context.Context, user, role string) (bool, error)     { return false, nil }

func (c *fakeConn) ObjectCounts(ctx context.Context, schema string) (map[string]int, error) {
	out := map[string]int{}
	for k, v := range fakeObjects {
		out[k] = v
	}
	return out, nil
}

func (c *fakeConn) RowCounts(ctx context.Context, schema string) (map[string]int64, error) {
	out := map[string]int64{}
	for k, v := range fakeRows {
		out[k] = v
	}
	return out, nil
}

func (c *fakeConn) Login(ctx context.Context, descriptor, user, password string) error { return nil }
func (c *fakeConn) LoginSchema(ctx context.Context) error                              { return nil }
func (c *fakeConn) Descriptor() string {
	return "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=127.0.0.1)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=XE)))"
}

func (c *fakeConn) Close() error {
	c.h.mu.Lock()
	defer c.h.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.h.conns--
	}
	return nil
}

// setIDOf returns the set id of a path written inside a set's .partial folder.
func setIDOf(path string) string {
	return strings.TrimSuffix(filepath.Base(filepath.Dir(path)), ".partial")
}
