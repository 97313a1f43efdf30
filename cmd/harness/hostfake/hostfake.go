package hostfake

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/backup"
	"github.com/vaultkeeper/vaultkeeper/reconciler/host"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/snapshot"
)

// Event is one call a Host was asked.
type Event struct {
	// Op names the host's observable step (stop-iis, start-iis, avbackup, export,
	// avbackup-restore, import, drop-user, create-user, grant-dba, revoke-dba); it is
	// empty for the other calls (questions, quotas, grants of the basic privileges).
	Op string
	// Call is the call as the runbook tests name it, with its argument: "drop AESUSER313",
	// "import AESUSER313>AESUSER313", "export@4242".
	Call string
	At   time.Time
	Path string // the zip or dump written or read; for statements, the user
	Err  error
}

// Default answers of the fake schema, used when a Host's field is nil.
var (
	DefaultObjects     = map[string]int{"TABLE": 3, "INDEX": 5, "SEQUENCE": 2, "VIEW": 1}
	DefaultRows        = map[string]int64{"ALU_ITEM": 12, "ALU_REVISION": 30, "ALU_ACL": 5}
	DefaultTablespaces = []string{"USERS"}
)

// DefaultSCN is CurrentSCN's answer when SCN is 0.
const DefaultSCN uint64 = 1_000_001

// Host is one fake Altium host; its zero value works. Set the fields before the first
// call; the Fail counters may be changed between runs, under no concurrent call.
type Host struct {
	Name   string
	Now    func() time.Time // the time of events; nil: the zero time
	Schema string           // the schema Export writes (Hosts.For sets it from the manifest)

	// The schema's answers; nil: the Default ones.
	Objects     map[string]int
	Rows        map[string]int64
	Tablespaces []string
	Invalid     int    // InvalidCount's answer
	SCN         uint64 // CurrentSCN's answer; 0: DefaultSCN

	// FailOn fails every call whose Call is this, with "<call> failed".
	FailOn string
	// FailExport, FailStop, FailAvbackup, FailRevoke and FailFlashback make the next N calls
	// of that kind fail as the real tool does (EXP-00056, System error 5, avbackup's exit,
	// ORA-12541 while Oracle is not up yet, ORA-01555 during an export as of an SCN).
	FailExport, FailStop, FailAvbackup, FailRevoke, FailFlashback int
	// ExportAsOfErr, when set, is ExportAsOf's error.
	ExportAsOfErr error
	// LoginErr is LoginSchema's error (a wrong password, an unreachable database).
	LoginErr error
	// IdentifyErr is IdentifyDump's error (the database calls the dump no Data Pump file).
	IdentifyErr error

	mu      sync.Mutex
	log     []Event
	conns   int // Oracle connections open (opened minus closed)
	iisDown bool
	dba     bool            // DBA granted and not revoked
	quota   map[string]bool // tablespaces with a quota; REVOKE DBA clears them (11.2, 12.1: MOS 1169515.1)
	quotas  []string        // quota grants asked, "user tablespace"
}

func (h *Host) now() time.Time {
	if h.Now == nil {
		return time.Time{}
	}
	return h.Now()
}

// failOn reports whether call is the one FailOn names, as its error.
func (h *Host) failOn(call string) error {
	if h.FailOn != "" && call == h.FailOn {
		return errors.New(call + " failed")
	}
	return nil
}

// record logs a call and returns err.
func (h *Host) record(op, call, path string, err error) error {
	h.mu.Lock()
	h.log = append(h.log, Event{Op: op, Call: call, At: h.now(), Path: path, Err: err})
	h.mu.Unlock()
	return err
}

// ask logs a call that is no observable step, failing it when FailOn names it.
func (h *Host) ask(call string) error { return h.record("", call, "", h.failOn(call)) }

// Do logs a call a test makes on the host's behalf (a safety backup, an integrity check),
// failing it when FailOn names it.
func (h *Host) Do(call string) error { return h.ask(call) }

// take consumes one injected failure from *n.
func (h *Host) take(n *int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if *n > 0 {
		*n--
		return true
	}
	return false
}

// Events returns the observable steps so far (the calls with an Op).
func (h *Host) Events() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []Event
	for _, e := range h.log {
		if e.Op != "" {
			out = append(out, e)
		}
	}
	return out
}

// Calls returns every call so far, in order.
func (h *Host) Calls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, len(h.log))
	for i, e := range h.log {
		out[i] = e.Call
	}
	return out
}

// Quotas returns the quota grants asked so far, "user tablespace".
func (h *Host) Quotas() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.quotas...)
}

// IISDown reports whether IIS is stopped.
func (h *Host) IISDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.iisDown
}

// OpenConns is the number of Oracle connections opened by Hosts and not closed.
func (h *Host) OpenConns() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conns
}

// IIS.

func (h *Host) Stop(ctx context.Context) error {
	err := h.failOn("stop-iis")
	if err == nil && h.take(&h.FailStop) {
		err = errors.New("net stop WAS: System error 5 has occurred (simulated)")
	}
	if err == nil {
		h.mu.Lock()
		h.iisDown = true
		h.mu.Unlock()
	}
	return h.record("stop-iis", "stop-iis", "", err)
}

func (h *Host) Start(ctx context.Context) error {
	err := h.failOn("start-iis")
	if err == nil {
		h.mu.Lock()
		h.iisDown = false
		h.mu.Unlock()
	}
	return h.record("start-iis", "start-iis", "", err)
}

// avbackup.

// Backup writes a small valid zip, as avbackup backup -z does.
func (h *Host) Backup(ctx context.Context, zipPath string) error {
	err := h.failOn("avbackup")
	if err == nil && h.take(&h.FailAvbackup) {
		err = errors.New("avbackup: simulated failure")
	}
	if err == nil {
		err = writeZip(zipPath, h.now())
	}
	return h.record("avbackup", "avbackup", zipPath, err)
}

func (h *Host) Restore(ctx context.Context, zipPath string) error {
	return h.record("avbackup-restore", "avbackup-restore", zipPath, h.failOn("avbackup-restore"))
}

func writeZip(path string, now time.Time) error {
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

// Export.

// Export writes a classic exp dump (header 0x03, charset 178, EXPORT:V19.00.00, the EXIT
// trailer) and its log, then reads them back the way the real adapter does: the dump must
// pass dumpid.Check, the log is classified by checks/oralog, and the record is built by
// snapshot.Record against the fake's counts.
func (h *Host) Export(ctx context.Context, dumpPath, logPath string) (backup.Export, error) {
	if err := h.failOn("export"); err != nil {
		return backup.Export{}, h.record("export", "export", dumpPath, err)
	}
	ex, err := h.export(ctx, dumpPath, logPath)
	return ex, h.record("export", "export", dumpPath, err)
}

func (h *Host) export(ctx context.Context, dumpPath, logPath string) (backup.Export, error) {
	h.mu.Lock()
	schema := strings.ToUpper(h.Schema)
	h.mu.Unlock()
	if schema == "" {
		return backup.Export{}, errors.New("hostfake: Host.Schema is not set")
	}
	if h.take(&h.FailExport) {
		log := "Connected to: Oracle Database 19c Enterprise Edition\n" +
			"EXP-00056: ORACLE error 12541 encountered\nORA-12541: TNS:no listener\n" +
			"EXP-00000: Export terminated unsuccessfully\n"
		_ = os.WriteFile(logPath, []byte(log), 0o640)
		return backup.Export{}, fmt.Errorf("exp of %s: EXP-00056 (ORACLE error encountered (logon)), see %s (simulated)", schema, logPath)
	}
	body := []byte("\x03\x00\xb2EXPORT:V19.00.00\nD" + schema + "\nRUSERS\n")
	body = append(body, bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7}, 512)...)
	body = append(body, "EXIT\nEXIT\n"...)
	if err := os.WriteFile(dumpPath, body, 0o640); err != nil {
		return backup.Export{}, err
	}
	rows := h.rows()
	var log strings.Builder
	log.WriteString("Connected to: Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production\n")
	log.WriteString("Export done in WE8MSWIN1252 character set and AL16UTF16 NCHAR character set\n")
	log.WriteString(". about to export " + schema + "'s tables via Conventional Path ...\n")
	for _, t := range sortedKeys(rows) {
		fmt.Fprintf(&log, ". . exporting table %34s %10d rows exported\n", t, rows[t])
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
	meta, err := snapshot.Record(ctx, counter{h}, schema, out)
	if err != nil {
		return backup.Export{}, err
	}
	ex := backup.Export{Objects: meta.Objects, Rows: meta.Rows, Warnings: meta.Warnings}
	ex.Tool, ex.Version, ex.Charset = snapshot.Tools(out, info)
	return ex, nil
}

// Flashback (spec.downtime: minimal).

func (h *Host) CheckFlashback(ctx context.Context) error { return h.ask("check-flashback") }
func (h *Host) Quiesced(ctx context.Context) error       { return h.ask("quiesced") }
func (h *Host) CurrentSCN(ctx context.Context) (uint64, error) {
	if h.SCN == 0 {
		return DefaultSCN, h.ask("scn")
	}
	return h.SCN, h.ask("scn")
}

// ExportAsOf exports as Export does; FailFlashback and ExportAsOfErr fail it first.
func (h *Host) ExportAsOf(ctx context.Context, dumpPath, logPath string, scn uint64) (backup.Export, error) {
	call := fmt.Sprintf("export@%d", scn)
	err := h.failOn(call)
	if err == nil && h.take(&h.FailFlashback) {
		err = fmt.Errorf("exp (simulated): %w: FLASHBACK_SCN=%d: ORA-01555: snapshot too old", backup.ErrFlashback, scn)
	}
	if err == nil {
		err = h.ExportAsOfErr
	}
	if err != nil {
		return backup.Export{}, h.record("export", call, dumpPath, err)
	}
	ex, err := h.export(ctx, dumpPath, logPath)
	return ex, h.record("export", call, dumpPath, err)
}

// IdentifyDump answers IdentifyErr; it is no host step (the preflight asks it).
func (h *Host) IdentifyDump(ctx context.Context, dumpPath string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.IdentifyErr
}

// Import.

func (h *Host) Import(ctx context.Context, dumpPath, logPath, from, to string, remap map[string]string) error {
	call := "import " + from + ">" + to
	err := h.failOn(call)
	if err == nil && logPath != "" {
		err = os.WriteFile(logPath, []byte("Import terminated successfully without warnings.\n"), 0o640)
	}
	return h.record("import", call, dumpPath+" "+from+">"+to, err)
}

// Administration.

func (h *Host) DropUserCascade(ctx context.Context, user string) error {
	return h.record("drop-user", "drop "+user, user, h.failOn("drop "+user))
}

func (h *Host) CreateUser(ctx context.Context, user, password, tablespace string) error {
	return h.record("create-user", "create "+user, user, h.failOn("create "+user))
}

func (h *Host) GrantDBA(ctx context.Context, user string) error {
	err := h.failOn("grant-dba " + user)
	if err == nil {
		h.mu.Lock()
		h.dba = true
		h.mu.Unlock()
	}
	return h.record("grant-dba", "grant-dba "+user, user, err)
}

// RevokeDBA takes every tablespace quota along, as on 11.2 and 12.1 (MOS 1169515.1).
func (h *Host) RevokeDBA(ctx context.Context, user string) error {
	err := h.failOn("revoke-dba " + user)
	if err == nil && h.take(&h.FailRevoke) {
		err = errors.New("ORA-12541: TNS:no listener")
	}
	if err == nil {
		h.mu.Lock()
		h.dba, h.quota = false, nil
		h.mu.Unlock()
	}
	return h.record("revoke-dba", "revoke-dba "+user, user, err)
}

func (h *Host) GrantBasic(ctx context.Context, user string) error {
	return h.ask("grant-basic " + user)
}

func (h *Host) SchemaTablespaces(ctx context.Context, schema string) ([]string, error) {
	return h.tablespaces(), h.ask("tablespaces " + schema)
}

func (h *Host) GrantQuota(ctx context.Context, user, tablespace string) error {
	if err := h.ask("quota " + user + " " + tablespace); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.quota == nil {
		h.quota = map[string]bool{}
	}
	h.quota[tablespace] = true
	h.quotas = append(h.quotas, user+" "+tablespace)
	return nil
}

func (h *Host) NoQuota(ctx context.Context, user string, tablespaces []string) ([]string, error) {
	var out []string
	h.mu.Lock()
	for _, ts := range tablespaces {
		if !h.quota[ts] {
			out = append(out, ts)
		}
	}
	h.mu.Unlock()
	return out, h.ask("no-quota " + user)
}

func (h *Host) Preflight(ctx context.Context, user string, mustExist bool) error {
	if !mustExist {
		return h.ask("preflight-container " + user)
	}
	return h.ask("preflight " + user)
}

func (h *Host) CompileSchema(ctx context.Context, schema string) error {
	return h.ask("recompile " + schema)
}

func (h *Host) InvalidCount(ctx context.Context, schema string) (int, error) {
	return h.Invalid, h.ask("count-invalid " + schema)
}

// HasRole answers for DBA, granted by GrantDBA until RevokeDBA.
func (h *Host) HasRole(ctx context.Context, user, role string) (bool, error) {
	h.mu.Lock()
	has := h.dba && strings.EqualFold(role, "DBA")
	h.mu.Unlock()
	return has, h.ask("has-" + strings.ToLower(role) + " " + user)
}

func (h *Host) ObjectCounts(ctx context.Context, schema string) (map[string]int, error) {
	return h.objects(), h.ask("count-objects")
}

func (h *Host) RowCounts(ctx context.Context, schema string) (map[string]int64, error) {
	return h.rows(), h.ask("count-rows")
}

// Logons.

func (h *Host) Login(ctx context.Context, descriptor, user, password string) error {
	return h.ask("login " + user)
}

func (h *Host) LoginSchema(ctx context.Context) error {
	if err := h.ask("login-schema"); err != nil {
		return err
	}
	return h.LoginErr
}

// DefaultTablespace answers the schema user's default tablespace.
func (h *Host) DefaultTablespace(ctx context.Context, user string) (string, error) {
	return h.defaultTablespace(), h.ask("default-tablespace " + user)
}

func (h *Host) Descriptor() string {
	return "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=127.0.0.1)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=XE)))"
}

// The schema's answers, copied.

func (h *Host) objects() map[string]int {
	src := h.Objects
	if src == nil {
		src = DefaultObjects
	}
	out := make(map[string]int, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

func (h *Host) rows() map[string]int64 {
	src := h.Rows
	if src == nil {
		src = DefaultRows
	}
	out := make(map[string]int64, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

func (h *Host) defaultTablespace() string { return "USERS" }

func (h *Host) tablespaces() []string {
	if h.Tablespaces == nil {
		return append([]string(nil), DefaultTablespaces...)
	}
	return append([]string(nil), h.Tablespaces...)
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// counter answers snapshot.Record for Export without logging the calls: the real
// adapter's export counts inside the export step.
type counter struct{ h *Host }

func (c counter) ObjectCounts(context.Context, string) (map[string]int, error) {
	return c.h.objects(), nil
}
func (c counter) RowCounts(context.Context, string) (map[string]int64, error) { return c.h.rows(), nil }
func (c counter) SchemaTablespaces(context.Context, string) ([]string, error) {
	return c.h.tablespaces(), nil
}
func (c counter) InvalidCount(context.Context, string) (int, error) { return c.h.Invalid, nil }
func (c counter) DefaultTablespace(context.Context, string) (string, error) {
	return c.h.defaultTablespace(), nil
}

// Hosts is a host.Factory with one Host per server name.
type Hosts struct {
	now   func() time.Time
	mu    sync.Mutex
	hosts map[string]*Host
}

var _ host.Factory = (*Hosts)(nil)

// NewHosts returns a factory whose hosts take the time of their events from now.
func NewHosts(now func() time.Time) *Hosts {
	return &Hosts{now: now, hosts: map[string]*Host{}}
}

// Host returns the fake of server, creating it.
func (f *Hosts) Host(server string) *Host {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hosts[server]
	if h == nil {
		h = &Host{Name: server, Now: f.now}
		f.hosts[server] = h
	}
	return h
}

// For builds the adapters of s on its Host; every Oracle connection counts as open until
// closed.
func (f *Hosts) For(s *manifests.Server, out io.Writer) (*host.Host, error) {
	h := f.Host(s.Metadata.Name)
	h.mu.Lock()
	h.Schema = strings.ToUpper(s.Spec.Oracle.Schema)
	h.mu.Unlock()
	return &host.Host{
		IIS:   h,
		Files: h,
		Oracle: func(ctx context.Context) (host.OracleConn, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.conns++
			return &conn{Host: h}, nil
		},
		Timeouts: host.ParseTimeouts(s),
	}, nil
}

// conn is one Oracle connection of a Host.
type conn struct {
	*Host
	closed bool
}

func (c *conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.conns--
	}
	return nil
}
