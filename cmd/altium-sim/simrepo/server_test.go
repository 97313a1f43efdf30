package simrepo

import (
	"testing"

	"github.com/vaultkeeper/vaultkeeper/manifests"
)

func TestServerValidates(t *testing.T) {
	objs, errs := manifests.Decode("s.yaml", []byte(Server(Host{Name: "aes-prod", Root: "/srv/hosts/aes-prod"})))
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("decode: %v (%d objects)", errs, len(objs))
	}
	set := &manifests.Set{}
	set.Add(objs[0])
	manifests.SetDefaults(objs[0])
	if errs := manifests.Validate(set); len(errs) > 0 {
		t.Fatalf("validate: %v", errs)
	}
	s := set.Server("aes-prod")
	if s.Spec.Agent != "demo" || s.Spec.Avbackup != "/srv/hosts/aes-prod/bin/avbackup" || s.Spec.Expect.DBLocation != "127.0.0.1:1521" {
		t.Fatalf("unexpected server %+v", s.Spec)
	}
}

// TestServerPDB: a CDB host's Server names its PDB (spec.oracle.pdb), and validates.
func TestServerPDB(t *testing.T) {
	doc := Server(Host{Name: "aes-xe", Root: "/srv/hosts/aes-xe", PDB: "XEPDB1"})
	objs, errs := manifests.Decode("s.yaml", []byte(doc))
	if len(errs) > 0 || len(objs) != 1 {
		t.Fatalf("decode: %v\n%s", errs, doc)
	}
	s, ok := objs[0].(*manifests.Server)
	if !ok || s.Spec.Oracle.PDB != "XEPDB1" {
		t.Fatalf("spec.oracle.pdb not written:\n%s", doc)
	}
}
