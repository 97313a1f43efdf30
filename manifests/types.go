package manifests

// APIVersion is the only apiVersion this version of vaultkeeper accepts.
const APIVersion = "vaultkeeper.io/v1alpha1"

// The kinds of the API.
const (
	KindServer       = "Server"
	KindBackupPolicy = "BackupPolicy"
	KindRestore      = "Restore"
	KindNotifier     = "Notifier"
)

// TypeMeta names the API version and kind of a document.
type TypeMeta struct {
	// APIVersion is required and must be "vaultkeeper.io/v1alpha1".
	APIVersion string `json:"apiVersion"`
	// Kind is required: Server, BackupPolicy, Restore or Notifier.
	Kind string `json:"kind"`
}

// ObjectMeta identifies an object.
type ObjectMeta struct {
	// Name is required: a DNS-1123 label (lower case letters, digits and '-', at most 63
	// characters, starting and ending with a letter or digit), unique per kind.
	Name string `json:"name"`
	// Labels are optional key/value pairs for people and tools; vaultkeeper ignores them.
	Labels map[string]string `json:"labels,omitempty"`
}

// Object is any decoded manifest.
type Object interface {
	GetTypeMeta() TypeMeta
	GetName() string
	// Origin is the file (relative to the revision's root) the object was decoded from.
	Origin() string
}

// SecretRef points at a secret without holding it. Exactly one field is set. Inline
// values are rejected by validation so that no password is ever committed to git.
type SecretRef struct {
	// Env is the name of an environment variable of the agent's process that holds the secret.
	Env string `json:"env,omitempty"`
	// File is the absolute path of a file whose content (trailing newline trimmed) is the secret.
	File string `json:"file,omitempty"`
}

// Server is one Altium Enterprise Server or NEXUS Server install.
type Server struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta `json:"metadata"`
	Spec     ServerSpec `json:"spec"`
	origin   string
	doc      int // index of the document in its file, for error order
}

// ServerSpec is what vaultkeeper needs to know of an install.
type ServerSpec struct {
	// Agent is required: the name of the agent (vaultkeeper run --agent) on the host that owns
	// this server; a DNS-1123 label like metadata.name.
	Agent string `json:"agent"`
	// Product is optional: EnterpriseServer (default) or NexusServer; it selects default install paths.
	Product string `json:"product,omitempty"`
	// InstallDir is optional: the absolute install folder. Default for EnterpriseServer
	// `C:\Program Files (x86)\Altium\Altium365`, for NexusServer
	// `C:\Program Files (x86)\Altium\Altium NEXUS Server`.
	InstallDir string `json:"installDir,omitempty"`
	// LocalVaultIni is optional: absolute path of LocalVault.ini. Default `<installDir>\LocalVault.ini`.
	LocalVaultIni string `json:"localVaultIni,omitempty"`
	// Avbackup is optional: absolute path of avbackup. Default `<installDir>\Tools\BackupTool\avbackup.exe`.
	Avbackup string `json:"avbackup,omitempty"`
	// AllowRestore is optional (default false): it must be true before any Restore may overwrite this server.
	AllowRestore bool `json:"allowRestore,omitempty"`
	// IIS says how to stop and start the web front end and where its configuration is. Required.
	IIS IISSpec `json:"iis"`
	// Oracle describes the schema that holds the server's metadata. Required.
	Oracle OracleSpec `json:"oracle"`
	// Expect is optional: the values the integrity checks hold the install to.
	Expect ExpectSpec `json:"expect,omitempty"`
	// CheckInterval is optional (default 1h): how often the integrity checks run; a Go duration.
	CheckInterval string `json:"checkInterval,omitempty"`
	// Timeouts are optional per-step limits.
	Timeouts TimeoutsSpec `json:"timeouts,omitempty"`
}

// IISSpec is the IIS part of a Server.
type IISSpec struct {
	// ApplicationHostConfig is optional: absolute path of applicationHost.config. Default
	// `C:\Windows\System32\inetsrv\config\applicationHost.config`.
	ApplicationHostConfig string `json:"applicationHostConfig,omitempty"`
	// Site is required: the IIS site name of the Altium application.
	Site string `json:"site"`
	// Stop is optional (default [net, stop, WAS, /y]): the argv that stops IIS; never a shell string.
	Stop []string `json:"stop,omitempty"`
	// Start is optional (default [net, start, W3SVC]): the argv that starts IIS.
	Start []string `json:"start,omitempty"`
}

// OracleSpec is the Oracle part of a Server.
type OracleSpec struct {
	// Tnsnames is required: absolute path of the tnsnames.ora that resolves LocalVault's DatabaseName.
	Tnsnames string `json:"tnsnames"`
	// Schema is required: the Oracle user that owns the Altium schema (an Oracle identifier).
	Schema string `json:"schema"`
	// SchemaPassword is required: where the schema user's password is ({env:} or {file:}).
	SchemaPassword SecretRef `json:"schemaPassword"`
	// Admin is required: how vaultkeeper connects as an administrator (drop/create user, grants).
	Admin OracleAdminSpec `json:"admin"`
	// Dump is optional: which export/import tools are used (default exp/imp on PATH).
	Dump DumpSpec `json:"dump,omitempty"`
	// AcceptWarnings is optional: message codes (EXP-, IMP-, ORA-, KUP-nnnnn) an export or
	// import may carry and still count as good, besides the default IMP-00041, ORA-39082,
	// ORA-39111 and ORA-31684. They pass only when they explain every error the tool counted.
	AcceptWarnings []string `json:"acceptWarnings,omitempty"`
	// PDB is optional: the pluggable database holding the schema on a multitenant (CDB)
	// install (e.g. XEPDB1). Admin sessions switch into it (ALTER SESSION SET CONTAINER);
	// go-ora connects to its service.
	PDB string `json:"pdb,omitempty"`
}

// Admin drivers.
const (
	DriverGoOra   = "go-ora"
	DriverSqlplus = "sqlplus"
)

// OracleAdminSpec is the administrative connection.
type OracleAdminSpec struct {
	// Driver is optional: go-ora (default; a database account given by User and Password) or
	// sqlplus (runs `sqlplus -S /nolog` and connects `/ as sysdba` with OS authentication).
	Driver string `json:"driver,omitempty"`
	// User is required with go-ora: the administrative account (an Oracle identifier).
	User string `json:"user,omitempty"`
	// Password is required with go-ora ({env:} or {file:}).
	Password SecretRef `json:"password,omitempty"`
	// Sqlplus is optional with sqlplus: absolute path of sqlplus (default "sqlplus" on PATH).
	Sqlplus string `json:"sqlplus,omitempty"`
}

// Dump tools.
const (
	DumpExp   = "exp"
	DumpExpdp = "expdp"
)

// DumpSpec selects the export/import tools.
type DumpSpec struct {
	// Tool is optional: exp (default; exp/imp, the seeds' tools) or expdp (Data Pump, expdp/impdp).
	Tool string `json:"tool,omitempty"`
	// Bin is optional: absolute folder holding the tools (default: found on PATH).
	Bin string `json:"bin,omitempty"`
	// Directory is required with expdp: the Oracle DIRECTORY object the dump is written to.
	Directory string `json:"directory,omitempty"`
	// DirectoryPath is required with expdp: the folder on this host that Directory points at.
	DirectoryPath string `json:"directoryPath,omitempty"`
}

// ExpectSpec are the values the integrity checks compare the install with; empty means "not checked".
type ExpectSpec struct {
	// Domain is optional: LocalVault.ini Domain.
	Domain string `json:"domain,omitempty"`
	// WebsiteDomain is optional: LocalVault.ini WebsiteDomain, and the IIS binding host.
	WebsiteDomain string `json:"websiteDomain,omitempty"`
	// DBLocation is optional: LocalVault.ini DBLocation, host:port.
	DBLocation string `json:"dbLocation,omitempty"`
	// DatabaseName is optional: LocalVault.ini DatabaseName, a tnsnames.ora alias.
	DatabaseName string `json:"databaseName,omitempty"`
}

// TimeoutsSpec are per-step limits, each a Go duration.
type TimeoutsSpec struct {
	// ServiceStop is optional (default 5m): limit for stopping or starting IIS.
	ServiceStop string `json:"serviceStop,omitempty"`
	// Avbackup is optional (default 2h): limit for avbackup backup or restore.
	Avbackup string `json:"avbackup,omitempty"`
	// Dump is optional (default 2h): limit for the Oracle export or import.
	Dump string `json:"dump,omitempty"`
	// Oracle is optional (default 10m): limit for one administrative Oracle call.
	Oracle string `json:"oracle,omitempty"`
}

// BackupPolicy says when and where a server is backed up and how long sets are kept.
type BackupPolicy struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta       `json:"metadata"`
	Spec     BackupPolicySpec `json:"spec"`
	origin   string
	doc      int // index of the document in its file, for error order
}

// BackupPolicySpec is the policy.
type BackupPolicySpec struct {
	// Server is required: the name of the Server this policy backs up.
	Server string `json:"server"`
	// Schedule is required: a 5-field cron expression (minute hour day-of-month month day-of-week),
	// read in TimeZone, with cron(8)'s day rules: 0 and 7 are Sunday; a day field starting with
	// "*" (also "*/2") ANDs with the other day field, two restricted day fields OR. Descriptors (@daily, @every 1h) and CRON_TZ= prefixes are rejected: the
	// window and the time zone are separate fields, and five fields say exactly when a run starts.
	Schedule string `json:"schedule"`
	// TimeZone is optional (default UTC): IANA zone for the schedule, the window and retention buckets.
	TimeZone string `json:"timeZone,omitempty"`
	// Window is optional: IIS may only be stopped inside it. Without it any time is allowed.
	Window *WindowSpec `json:"window,omitempty"`
	// Destination is required: absolute folder the sets are written to (`<destination>/<server>/<setID>`).
	Destination string `json:"destination"`
	// Copies is optional: absolute folders each set is replicated to and verified in.
	Copies []string `json:"copies,omitempty"`
	// Retention is required: which sets are kept.
	Retention RetentionSpec `json:"retention"`
	// MaxAge is required: the freshness objective, a Go duration; exported and alerted on.
	MaxAge string `json:"maxAge"`
	// Verify is optional: re-verification of kept sets.
	Verify VerifySpec `json:"verify,omitempty"`
	// MinFreeBytes is optional (default 0: only the estimate, 1.2 × the largest last set of the server's policies, is used):
	// the destination must have this much space free before IIS is stopped.
	MinFreeBytes int64 `json:"minFreeBytes,omitempty"`
	// Suspend is optional (default false): no new runs start while true.
	Suspend bool `json:"suspend,omitempty"`
	// Downtime is optional: vendor (default; the seeds' order, IIS down for avbackup and
	// the export) or minimal (IIS down for avbackup only: the SCN is recorded while IIS is
	// stopped and the export reads the schema as of it with FLASHBACK_SCN once IIS runs).
	Downtime string `json:"downtime,omitempty"`
}

// Backup orders (spec.downtime).
const (
	DowntimeVendor  = "vendor"
	DowntimeMinimal = "minimal"
)

// DowntimeMode is spec.downtime with its default: vendor unless minimal is asked for.
func (p *BackupPolicySpec) DowntimeMode() string {
	if p.Downtime == DowntimeMinimal {
		return DowntimeMinimal
	}
	return DowntimeVendor
}

// WindowSpec is a daily maintenance window in the policy's time zone.
type WindowSpec struct {
	// Start is required: "HH:MM", 24-hour clock.
	Start string `json:"start"`
	// Duration is required: a Go duration of at most 24h.
	Duration string `json:"duration"`
}

// RetentionSpec follows restic's forget rules; only complete, verified sets count.
type RetentionSpec struct {
	// KeepLast is optional: keep the newest N sets.
	KeepLast int `json:"keepLast,omitempty"`
	// KeepHourly is optional: keep the newest set of each of the last N hours that have one.
	KeepHourly int `json:"keepHourly,omitempty"`
	// KeepDaily is optional: the same per day.
	KeepDaily int `json:"keepDaily,omitempty"`
	// KeepWeekly is optional: the same per ISO week.
	KeepWeekly int `json:"keepWeekly,omitempty"`
	// KeepMonthly is optional: the same per month.
	KeepMonthly int `json:"keepMonthly,omitempty"`
	// KeepYearly is optional: the same per year.
	KeepYearly int `json:"keepYearly,omitempty"`
	// KeepWithin is optional: keep every set younger than this, counted back from the newest, in
	// restic's duration syntax: years, months, days and hours such as "1y2m3d4h", "14d", "720h"
	// ("m" is months; minutes and seconds are rejected). Calendar months and years as restic
	// counts them.
	KeepWithin string `json:"keepWithin,omitempty"`
	// KeepWithinHourly is optional: keep the newest set of each hour within this span of the
	// newest set (restic's --keep-within-hourly); same syntax as keepWithin.
	KeepWithinHourly string `json:"keepWithinHourly,omitempty"`
	// KeepWithinDaily is optional: the same per day.
	KeepWithinDaily string `json:"keepWithinDaily,omitempty"`
	// KeepWithinWeekly is optional: the same per ISO week.
	KeepWithinWeekly string `json:"keepWithinWeekly,omitempty"`
	// KeepWithinMonthly is optional: the same per month.
	KeepWithinMonthly string `json:"keepWithinMonthly,omitempty"`
	// KeepWithinYearly is optional: the same per year.
	KeepWithinYearly string `json:"keepWithinYearly,omitempty"`
	// MinVerified is optional (default 1, at least 1): never fewer verified sets than this remain.
	// An explicit 0 is rejected when decoding (omit the field for the default).
	MinVerified int `json:"minVerified,omitempty"`
	// KeepSafety is optional (default 3, at least 1): the safety sets (taken of this policy's
	// server before a restore overwrote it) kept, newest first; the rules above do not apply
	// to them. An explicit 0 is rejected when decoding (omit the field for the default).
	KeepSafety int `json:"keepSafety,omitempty"`
}

// VerifySpec controls re-verification.
type VerifySpec struct {
	// Interval is optional (default 168h): kept sets are re-verified (L1+L2) this often.
	Interval string `json:"interval,omitempty"`
}

// Restore declares that a server holds a given backup.
type Restore struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta  `json:"metadata"`
	Spec     RestoreSpec `json:"spec"`
	origin   string
	doc      int // index of the document in its file, for error order
}

// RestoreSpec is the desired restore.
type RestoreSpec struct {
	// Server is required: the target Server; it must have allowRestore: true.
	Server string `json:"server"`
	// Confirm is required: a typed confirmation that must equal Server.
	Confirm string `json:"confirm"`
	// Source is required: which set is restored.
	Source RestoreSource `json:"source"`
	// MaxLag is optional, only with backup: latest: re-restore when a newer verified set
	// exists and the restored one is older than this Go duration.
	MaxLag string `json:"maxLag,omitempty"`
	// SafetyBackup is optional (default true): back the target up before overwriting it.
	SafetyBackup *bool `json:"safetyBackup,omitempty"`
	// Oracle is optional: schema and tablespace mapping for the import.
	Oracle RestoreOracle `json:"oracle,omitempty"`
	// Suspend is optional (default false): no restore starts while true.
	Suspend bool `json:"suspend,omitempty"`
	// Window is optional: new and standing restores start only inside it, in the time zone
	// of the target's BackupPolicy (default: that policy's window; no window anywhere means
	// any time). `vaultkeeper reconcile restore/NAME` starts one outside it.
	Window *WindowSpec `json:"window,omitempty"`
}

// BackupLatest selects the newest verified set of the policy.
const BackupLatest = "latest"

// RestoreSource names a set.
type RestoreSource struct {
	// Policy is required: the BackupPolicy whose sets are used.
	Policy string `json:"policy"`
	// Backup is required: "latest" or a set id such as 20261121T020000Z.
	Backup string `json:"backup"`
	// Safety is optional (default false): Backup names a safety set, the backup of the target
	// taken before an earlier restore overwrote it (to roll that restore back). Policy must
	// then be a policy of the target server, and Backup a set id.
	Safety bool `json:"safety,omitempty"`
	// Agents is optional (default: the source Server's spec.agent): only sets made by these
	// agents (their vaultkeeper.json, authenticated by its signature) are restored.
	Agents []string `json:"agents,omitempty"`
}

// RestoreOracle maps schema and tablespaces for the import.
type RestoreOracle struct {
	// FromUser is optional (default the source server's schema): the owner in the dump.
	FromUser string `json:"fromUser,omitempty"`
	// ToUser is optional (default the target server's schema): the user the dump is imported into.
	ToUser string `json:"toUser,omitempty"`
	// RemapTablespaces is optional: source tablespace → target tablespace (impdp remap_tablespace).
	RemapTablespaces map[string]string `json:"remapTablespaces,omitempty"`
}

func (o *Server) GetTypeMeta() TypeMeta       { return o.TypeMeta }
func (o *Server) GetName() string             { return o.Metadata.Name }
func (o *Server) Origin() string              { return o.origin }
func (o *BackupPolicy) GetTypeMeta() TypeMeta { return o.TypeMeta }
func (o *BackupPolicy) GetName() string       { return o.Metadata.Name }
func (o *BackupPolicy) Origin() string        { return o.origin }
func (o *Restore) GetTypeMeta() TypeMeta      { return o.TypeMeta }
func (o *Restore) GetName() string            { return o.Metadata.Name }
func (o *Restore) Origin() string             { return o.origin }

// Notifier sends a message to a webhook or by mail when an event it lists happens on a
// server of the agent that sends it. Every agent uses every Notifier of the revision for
// the events of its own servers.
type Notifier struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta   `json:"metadata"`
	Spec     NotifierSpec `json:"spec"`
	origin   string
	doc      int // index of the document in its file, for error order
}

// Notifier types.
const (
	NotifierWebhook = "webhook"
	NotifierSMTP    = "smtp"
)

// Notifier events.
const (
	EventBackupFailed     = "backupFailed"
	EventBackupStale      = "backupStale"
	EventRestoreSucceeded = "restoreSucceeded"
	EventRestoreFailed    = "restoreFailed"
	EventCheckFailed      = "checkFailed"
	EventReplicaFailed    = "replicaFailed"
)

// NotifierEvents are the events a Notifier may list, in the order the README explains them.
var NotifierEvents = []string{EventBackupFailed, EventBackupStale, EventRestoreSucceeded, EventRestoreFailed, EventCheckFailed, EventReplicaFailed}

// NotifierSpec says where messages go and which events are sent. Fields of the other type
// are rejected.
type NotifierSpec struct {
	// Type is required: webhook (an HTTP POST of a JSON message) or smtp (a mail).
	Type string `json:"type"`
	// Events is required: the events sent, at least one of backupFailed (a backup run
	// failed), backupStale (the newest set is older than the policy's maxAge; once per stale
	// episode), restoreSucceeded, restoreFailed, checkFailed (an integrity check that passed
	// or never ran failed) and replicaFailed (a set was published but a copy failed).
	Events []string `json:"events"`
	// URL is required with webhook: the http or https URL the JSON message is POSTed to
	// (e.g. a Teams or Slack incoming webhook: the message has a "text" field).
	URL string `json:"url,omitempty"`
	// SecretRef is optional with webhook: a shared secret ({env:} or {file:}); each POST
	// then carries X-Vaultkeeper-Signature-256: sha256=HEX, the HMAC-SHA256 of the body.
	SecretRef SecretRef `json:"secretRef,omitempty"`
	// Host is required with smtp: the mail server's host name or IP address.
	Host string `json:"host,omitempty"`
	// Port is optional with smtp (default 587, the submission port): the mail server's port.
	Port int `json:"port,omitempty"`
	// From is required with smtp: the sender's mail address.
	From string `json:"from,omitempty"`
	// To is required with smtp: the recipients' mail addresses, at least one.
	To []string `json:"to,omitempty"`
	// Username is optional with smtp: the AUTH PLAIN (or LOGIN) user; Password must then be set too.
	// Credentials are only sent over STARTTLS (or to a server on the loopback address).
	Username string `json:"username,omitempty"`
	// Password is optional with smtp, required with username: where the password is
	// ({env:} or {file:}).
	Password SecretRef `json:"password,omitempty"`
	// CAFile is optional with smtp: absolute path of PEM certificates trusted for the
	// server's STARTTLS certificate besides the system's (a private CA).
	CAFile string `json:"caFile,omitempty"`
	// RequireTLS is optional with smtp (default false): refuse to send when the server does
	// not offer STARTTLS. Without it a server that offers STARTTLS is always used with it,
	// and one that does not gets the mail in plain text (never credentials).
	RequireTLS bool `json:"requireTLS,omitempty"`
}

func (o *Notifier) GetTypeMeta() TypeMeta { return o.TypeMeta }
func (o *Notifier) GetName() string       { return o.Metadata.Name }
func (o *Notifier) Origin() string        { return o.origin }
