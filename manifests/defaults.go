package manifests

// Product names.
const (
	ProductEnterpriseServer = "EnterpriseServer"
	ProductNexusServer      = "NexusServer"
)

// Default values, as documented on the fields in types.go.
const (
	DefaultInstallDirEnterprise   = `C:\Program Files (x86)\Altium\Altium365`
	DefaultInstallDirNexus        = `C:\Program Files (x86)\Altium\Altium NEXUS Server`
	DefaultApplicationHostConfig  = `C:\Windows\System32\inetsrv\config\applicationHost.config`
	DefaultCheckInterval          = "1h"
	DefaultTimeoutServiceStop     = "5m"
	DefaultTimeoutAvbackup        = "2h"
	DefaultTimeoutDump            = "2h"
	DefaultTimeoutOracle          = "10m"
	DefaultVerifyInterval         = "168h"
	DefaultTimeZone               = "UTC"
	DefaultMinVerified            = 1
	DefaultKeepSafety             = 3
	DefaultSMTPPort               = 587
	defaultLocalVaultIniName      = "LocalVault.ini"
	defaultAvbackupRelativeToRoot = `Tools\BackupTool\avbackup.exe`
)

// DefaultIISStop and DefaultIISStart are the argv that stop and start IIS by default.
var (
	DefaultIISStop  = []string{"net", "stop", "WAS", "/y"}
	DefaultIISStart = []string{"net", "start", "W3SVC"}
)

// SetDefaults fills every optional field left empty with its default. It is the one place
// defaults are applied; Load calls it before Validate. Fields set explicitly are kept, also
// invalid ones (validation reports them). Paths derived from installDir are only filled when
// installDir is absolute, so one bad installDir is reported once. Restore's oracle.fromUser
// and toUser depend on other objects and stay empty: they mean the source and target
// servers' schemas.
func SetDefaults(o Object) {
	switch o := o.(type) {
	case *Server:
		defaultServer(&o.Spec)
	case *BackupPolicy:
		defaultPolicy(&o.Spec)
	case *Restore:
		if o.Spec.SafetyBackup == nil {
			t := true
			o.Spec.SafetyBackup = &t
		}
	case *Notifier:
		if o.Spec.Type == NotifierSMTP && o.Spec.Port == 0 {
			o.Spec.Port = DefaultSMTPPort
		}
	}
}

func defaultServer(s *ServerSpec) {
	setString(&s.Product, ProductEnterpriseServer)
	switch s.Product {
	case ProductEnterpriseServer:
		setString(&s.InstallDir, DefaultInstallDirEnterprise)
	case ProductNexusServer:
		setString(&s.InstallDir, DefaultInstallDirNexus)
	}
	if IsAbsPath(s.InstallDir) {
		setString(&s.LocalVaultIni, JoinPath(s.InstallDir, defaultLocalVaultIniName))
		setString(&s.Avbackup, JoinPath(s.InstallDir, defaultAvbackupRelativeToRoot))
	}
	setString(&s.IIS.ApplicationHostConfig, DefaultApplicationHostConfig)
	if s.IIS.Stop == nil {
		s.IIS.Stop = append([]string(nil), DefaultIISStop...)
	}
	if s.IIS.Start == nil {
		s.IIS.Start = append([]string(nil), DefaultIISStart...)
	}
	setString(&s.Oracle.Admin.Driver, DriverGoOra)
	setString(&s.Oracle.Dump.Tool, DumpExp)
	setString(&s.CheckInterval, DefaultCheckInterval)
	setString(&s.Timeouts.ServiceStop, DefaultTimeoutServiceStop)
	setString(&s.Timeouts.Avbackup, DefaultTimeoutAvbackup)
	setString(&s.Timeouts.Dump, DefaultTimeoutDump)
	setString(&s.Timeouts.Oracle, DefaultTimeoutOracle)
}

func defaultPolicy(p *BackupPolicySpec) {
	setString(&p.TimeZone, DefaultTimeZone)
	if p.Retention.MinVerified == 0 {
		p.Retention.MinVerified = DefaultMinVerified
	}
	if p.Retention.KeepSafety == 0 {
		p.Retention.KeepSafety = DefaultKeepSafety
	}
	setString(&p.Verify.Interval, DefaultVerifyInterval)
}

func setString(p *string, def string) {
	if *p == "" {
		*p = def
	}
}
