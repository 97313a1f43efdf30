package catalog

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testMeta(server, policy, id string) *Meta {
	t, _ := time.Parse(SetIDLayout, id)
	return &Meta{Format: MetaFormat, ID: id, Server: server, Policy: policy, Agent: "a1", Kind: KindScheduled,
		Started: t, Finished: t.Add(time.Minute),
		Files: []FileMeta{{Name: FileZip, Role: RoleFiles}, {Name: FileDump, Role: RoleDump}, {Name: FileExportLog, Role: RoleLog}}}
}

// makeSet writes `<dest>/<server>/<id>/vaultkeeper.json`.
func makeSet(t testing.TB, dest, server, policy, id string) string {
	t.Helper()
	dir := filepath.Join(dest, server, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteMeta(dir, testMeta(server, policy, id)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t testing.TB, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
