package manifests

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIsAbsPath(t *testing.T) {
	for p, want := range map[string]bool{
		`C:\x`: true, `c:/x`: true, `C:\`: true, `\\server\share`: true, `\\server\share\x`: true,
		`//server/share`: true, `/srv/x`: true, `/`: true,
		``: false, `x`: false, `C:x`: false, `C:`: false, `\\server`: false, `\x`: false,
		`..\x`: false, `./x`: false, `//x`: false, `1:\x`: false,
	} {
		if got := IsAbsPath(p); got != want {
			t.Errorf("IsAbsPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestJoinPath(t *testing.T) {
	for _, c := range []struct {
		base string
		elem []string
		want string
	}{
		{`C:\Program Files (x86)\Altium\Altium365`, []string{"LocalVault.ini"}, `C:\Program Files (x86)\Altium\Altium365\LocalVault.ini`},
		{`C:\Altium\`, []string{`Tools\BackupTool`, "avbackup.exe"}, `C:\Altium\Tools\BackupTool\avbackup.exe`},
		{`D:/Backups`, []string{"aes-prod", "20261121T020000Z"}, `D:/Backups\aes-prod\20261121T020000Z`},
		{`\\nas01\backups`, []string{"aes-prod/x"}, `\\nas01\backups\aes-prod\x`},
		{`C:\`, []string{"x"}, `C:\x`},
		{`/srv/backups`, []string{"aes-prod", "20261121T020000Z"}, `/srv/backups/aes-prod/20261121T020000Z`},
		{`/srv/backups/`, []string{"/x/"}, `/srv/backups/x`},
	} {
		if got := JoinPath(c.base, c.elem...); got != c.want {
			t.Errorf("JoinPath(%q, %q) = %q, want %q", c.base, c.elem, got, c.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"", 0, false}, {"90m", 90 * time.Minute, false}, {"26h", 26 * time.Hour, false},
		{"14d", 14 * 24 * time.Hour, false}, {"1d12h", 36 * time.Hour, false}, {"0d", 0, false},
		{"-1h", -time.Hour, false},
		{"d", 0, true}, {"1.5d", 0, true}, {"-1d", 0, true}, {"1d-1h", 0, true}, {"1d1d", 0, true},
		{"2w", 0, true}, {"10", 0, true}, {"999999999999d", 0, true},
	} {
		got, err := ParseDuration(c.in)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
		if err != nil && !strings.Contains(err.Error(), c.in) {
			t.Errorf("error %q does not name the value %q", err, c.in)
		}
	}
}

func TestSecretResolve(t *testing.T) {
	const secret = "s3cr3t-value"
	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	if err := os.WriteFile(file, []byte(secret+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VK_TEST_SECRET", secret)
	t.Setenv("VK_TEST_EMPTY", "")
	for _, c := range []struct {
		ref     SecretRef
		want    string
		errName string // the error must name this
	}{
		{SecretRef{Env: "VK_TEST_SECRET"}, secret, ""},
		{SecretRef{File: file}, secret, ""},
		{SecretRef{Env: "VK_TEST_UNSET_VARIABLE"}, "", "VK_TEST_UNSET_VARIABLE"},
		{SecretRef{Env: "VK_TEST_EMPTY"}, "", "VK_TEST_EMPTY"},
		{SecretRef{File: filepath.Join(dir, "missing")}, "", "missing"},
		{SecretRef{File: empty}, "", "empty"},
		{SecretRef{Env: "VK_TEST_SECRET", File: file}, "", "VK_TEST_SECRET"},
		{SecretRef{}, "", "neither"},
	} {
		got, err := c.ref.Resolve()
		if got != c.want || (err != nil) != (c.errName != "") {
			t.Errorf("%+v.Resolve() = %q, %v; want %q", c.ref, got, err, c.want)
			continue
		}
		if err != nil && (!strings.Contains(err.Error(), c.errName) || strings.Contains(err.Error(), secret)) {
			t.Errorf("%+v.Resolve() error %q: must name %q and not contain the secret", c.ref, err, c.errName)
		}
	}
}

func TestWindowBoundsAndLocation(t *testing.T) {
	p := &BackupPolicySpec{TimeZone: "Europe/Zurich", Window: &WindowSpec{Start: "01:30", Duration: "4h"}}
	start, length, ok := p.WindowBounds()
	if !ok || start != 90*time.Minute || length != 4*time.Hour {
		t.Errorf("WindowBounds = %v, %v, %v", start, length, ok)
	}
	if got := p.Location().String(); got != "Europe/Zurich" {
		t.Errorf("Location = %s", got)
	}
	for _, w := range []*WindowSpec{nil, {Start: "1:30", Duration: "1h"}, {Start: "01:30", Duration: "25h"}, {Start: "01:30", Duration: "0s"}} {
		if _, _, ok := (&BackupPolicySpec{Window: w}).WindowBounds(); ok {
			t.Errorf("WindowBounds(%+v) ok, want not ok", w)
		}
	}
	for _, tz := range []string{"", "Local", "Nowhere/Else"} {
		if got := (&BackupPolicySpec{TimeZone: tz}).Location(); got != time.UTC {
			t.Errorf("Location(%q) = %v, want UTC", tz, got)
		}
	}
}

func TestSpecHash(t *testing.T) {
	base := func() *Restore {
		return &Restore{Spec: RestoreSpec{Server: "s", Confirm: "s", Source: RestoreSource{Policy: "p", Backup: "20261121T020000Z"},
			Oracle: RestoreOracle{RemapTablespaces: map[string]string{"A": "B", "C": "D"}}}}
	}
	h := base().SpecHash()
	if len(h) != 64 {
		t.Fatalf("SpecHash = %q, want 64 hex digits", h)
	}
	suspended := base()
	suspended.Spec.Suspend = true
	defaulted := base()
	SetDefaults(defaulted)
	for name, r := range map[string]*Restore{"same": base(), "suspended": suspended, "defaulted": defaulted} {
		if got := r.SpecHash(); got != h {
			t.Errorf("%s: SpecHash = %s, want %s", name, got, h)
		}
	}
	other := base()
	other.Spec.Source.Backup = "20261122T020000Z"
	noSafety := base()
	f := false
	noSafety.Spec.SafetyBackup = &f
	for name, r := range map[string]*Restore{"other set": other, "no safety backup": noSafety} {
		if r.SpecHash() == h {
			t.Errorf("%s: SpecHash unchanged", name)
		}
	}
	if !base().Spec.SafetyBackupEnabled() || noSafety.Spec.SafetyBackupEnabled() {
		t.Error("SafetyBackupEnabled: want default true, explicit false kept")
	}
}

func TestSetQueries(t *testing.T) {
	set, err := LoadDir("examples")
	if err != nil {
		t.Fatal(err)
	}
	a1 := set.ForAgent("aes01")
	if len(a1.Servers) != 1 || a1.Servers[0].Metadata.Name != "aes-prod" || len(a1.Policies) != 1 || len(a1.Restores) != 0 {
		t.Errorf("ForAgent(aes01) = %d servers, %d policies, %d restores", len(a1.Servers), len(a1.Policies), len(a1.Restores))
	}
	a2 := set.ForAgent("aes02")
	if len(a2.Servers) != 1 || len(a2.Policies) != 0 || len(a2.Restores) != 1 || a2.Restores[0].Metadata.Name != "staging-refresh" {
		t.Errorf("ForAgent(aes02) = %d servers, %d policies, %d restores", len(a2.Servers), len(a2.Policies), len(a2.Restores))
	}
	if got := set.ForAgent("nobody").Len(); got != 0 {
		t.Errorf("ForAgent(nobody).Len() = %d", got)
	}
	if got := set.PoliciesFor("aes-prod"); len(got) != 1 || got[0].Metadata.Name != "aes-prod-nightly" {
		t.Errorf("PoliciesFor(aes-prod) = %v", got)
	}
	if set.PoliciesFor("aes-staging") != nil || set.Server("x") != nil || set.Policy("x") != nil || set.Restore("x") != nil {
		t.Error("lookups of missing names must be empty")
	}
}

func TestDefaults(t *testing.T) {
	set, err := LoadDir(filepath.Join("testdata", "base"))
	if err != nil {
		t.Fatal(err)
	}
	s := set.Server("aes-staging").Spec
	for field, c := range map[string][2]string{
		"product":       {s.Product, ProductEnterpriseServer},
		"installDir":    {s.InstallDir, `C:\Program Files (x86)\Altium\Altium365`},
		"localVaultIni": {s.LocalVaultIni, `C:\Program Files (x86)\Altium\Altium365\LocalVault.ini`},
		"avbackup":      {s.Avbackup, `C:\Program Files (x86)\Altium\Altium365\Tools\BackupTool\avbackup.exe`},
		"appHost":       {s.IIS.ApplicationHostConfig, `C:\Windows\System32\inetsrv\config\applicationHost.config`},
		"stop":          {strings.Join(s.IIS.Stop, " "), "net stop WAS /y"},
		"start":         {strings.Join(s.IIS.Start, " "), "net start W3SVC"},
		"driver":        {s.Oracle.Admin.Driver, DriverSqlplus},
		"dump.tool":     {s.Oracle.Dump.Tool, DumpExp},
		"checkInterval": {s.CheckInterval, "1h"},
		"timeouts":      {s.Timeouts.ServiceStop + s.Timeouts.Avbackup + s.Timeouts.Dump + s.Timeouts.Oracle, "5m2h2h10m"},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", field, c[0], c[1])
		}
	}
	nexus := &Server{Spec: ServerSpec{Product: ProductNexusServer}}
	SetDefaults(nexus)
	if nexus.Spec.InstallDir != DefaultInstallDirNexus || !strings.HasPrefix(nexus.Spec.LocalVaultIni, DefaultInstallDirNexus) {
		t.Errorf("NexusServer defaults: %+v", nexus.Spec)
	}
	p := set.Policy("aes-prod-nightly").Spec
	if p.TimeZone != "UTC" || p.Retention.MinVerified != 1 || p.Verify.Interval != "168h" || p.Location() != time.UTC {
		t.Errorf("policy defaults: %+v", p)
	}
}

func TestDecodeDocuments(t *testing.T) {
	const doc = "apiVersion: vaultkeeper.io/v1alpha1\nkind: Restore\nmetadata: {name: %s}\nspec: {server: s}\n"
	data := "\xef\xbb\xbf# leading comment\n---\n" + strings.ReplaceAll(doc, "%s", "r1") +
		"--- # second\n" + strings.ReplaceAll(doc, "%s", "r2") + "---\n---\n# only a comment\n...\n" +
		"--- " + strings.ReplaceAll(doc, "%s", "r3")
	objs, errs := Decode("dir/f.yaml", []byte(data))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.GetName()+"@"+o.Origin())
	}
	if got := strings.Join(names, " "); got != "r1@dir/f.yaml r2@dir/f.yaml r3@dir/f.yaml" {
		t.Errorf("decoded %s", got)
	}
}

func TestInlineSecretNotEchoed(t *testing.T) {
	for _, v := range []string{"hunter2", "12345678", "[hunter2]", "{value: hunter2}"} {
		data := "apiVersion: vaultkeeper.io/v1alpha1\nkind: Server\nmetadata: {name: s}\nspec:\n  oracle:\n    schemaPassword: " + v + "\n"
		_, errs := Decode("s.yaml", []byte(data))
		if len(errs) == 0 || strings.Contains(errs.Error(), "hunter2") || strings.Contains(errs.Error(), "12345678") {
			t.Errorf("%s: errors %q must reject the value without showing it", v, errs)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := LoadDir(filepath.Join(t.TempDir(), "missing"))
	var list ErrorList
	if err == nil || errors.As(err, &list) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadDir(missing) = %v; want a plain not-exist error", err)
	}
	set, err := LoadDir(t.TempDir())
	if err != nil || set.Len() != 0 {
		t.Errorf("LoadDir(empty) = %v, %v; want an empty valid set", set, err)
	}
}

// TestValidateBuiltInGo covers sets built in code rather than decoded: the kind and
// apiVersion are checked against the Go type.
func TestValidateBuiltInGo(t *testing.T) {
	set, err := LoadDir("examples")
	if err != nil {
		t.Fatal(err)
	}
	set.Servers[0].TypeMeta = TypeMeta{}
	got := Validate(set).Error()
	want := "servers/aes-prod.yaml: Server/aes-prod: apiVersion: unknown apiVersion \"\": want vaultkeeper.io/v1alpha1\n" +
		"servers/aes-prod.yaml: Server/aes-prod: kind: must be Server for a *manifests.Server, got \"\""
	if got != want {
		t.Errorf("Validate:\n%s\nwant:\n%s", got, want)
	}
}
