package manifests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeRepo writes a valid revision of servers+policies+restores = 10,000 manifests: server
// i is backed up by policy i and is the target of restore i-1 (from policy i-1). The
// documents are spread over 100 agent folders, ten to a file.
func writeRepo(tb testing.TB, dir string, servers int) int {
	tb.Helper()
	var docs []string
	folder := func(i int) string { return fmt.Sprintf("agent-%02d", i%100) }
	for i := range servers {
		docs = append(docs, fmt.Sprintf(`apiVersion: vaultkeeper.io/v1alpha1
kind: Server
metadata: {name: aes-%d, labels: {env: bench}}
spec:
  agent: %s
  allowRestore: true
  installDir: 'C:\Program Files (x86)\Altium\Altium365'
  iis: {site: Altium365, stop: [net, stop, WAS, /y], start: [net, start, W3SVC]}
  oracle:
    tnsnames: 'C:\oracle\network\admin\tnsnames.ora'
    schema: AESUSER313
    schemaPassword: {env: AES_SCHEMA_PASSWORD}
    admin: {driver: go-ora, user: SYSTEM, password: {file: 'C:\ProgramData\vaultkeeper\oracle-admin'}}
    dump: {tool: exp, bin: 'C:\oracle\product\19c\dbhome_1\bin'}
  expect: {domain: CORP, websiteDomain: aes%d.corp.example.com, dbLocation: 'oradb01.corp.example.com:1521', databaseName: XE}
  checkInterval: 1h
  timeouts: {serviceStop: 5m, avbackup: 2h, dump: 2h}
`, i, folder(i), i))
		if i == servers-1 {
			break
		}
		docs = append(docs, fmt.Sprintf(`apiVersion: vaultkeeper.io/v1alpha1
kind: BackupPolicy
metadata: {name: aes-%d-nightly}
spec:
  server: aes-%d
  schedule: "0 2 * * *"
  timeZone: Europe/Zurich
  window: {start: "01:00", duration: 4h}
  destination: 'D:\Backups\aes-%d'
  copies: ['\\nas01\backups\aes-%d']
  retention: {keepLast: 3, keepDaily: 14, keepWeekly: 8, keepMonthly: 12, keepYearly: 3, keepWithin: 48h, minVerified: 2}
  maxAge: 26h
  verify: {interval: 168h}
`, i, i, i, i), fmt.Sprintf(`apiVersion: vaultkeeper.io/v1alpha1
kind: Restore
metadata: {name: refresh-%d}
spec:
  server: aes-%d
  confirm: aes-%d
  source: {policy: aes-%d-nightly, backup: latest}
  maxLag: 168h
  oracle: {fromUser: AESUSER313, toUser: AESUSER313, remapTablespaces: {ALTIUM: USERS}}
`, i+1, i+1, i+1, i))
	}
	for f := 0; f*10 < len(docs); f++ {
		p := filepath.Join(dir, folder(f), fmt.Sprintf("m%04d.yaml", f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		chunk := docs[f*10 : min(f*10+10, len(docs))]
		if err := os.WriteFile(p, []byte(strings.Join(chunk, "---\n")), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return len(docs)
}

func TestGeneratedRepoValid(t *testing.T) {
	dir := t.TempDir()
	n := writeRepo(t, dir, 40)
	set, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != n || n != 40+39+39 {
		t.Fatalf("loaded %d of %d objects", set.Len(), n)
	}
}

func BenchmarkLoad10k(b *testing.B) {
	dir := b.TempDir()
	if n := writeRepo(b, dir, 3334); n != 10000 {
		b.Fatalf("generated %d manifests", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		set, err := LoadDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		if set.Len() != 10000 {
			b.Fatalf("loaded %d objects", set.Len())
		}
	}
}
