package sqlplus

import (
	"context"
	"os"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/admintest"
)

func TestMain(m *testing.M) { os.Exit(simtest.Main(m)) }

// TestConformance runs the admin suite against altium-sim's sqlplus.
func TestConformance(t *testing.T) {
	h := simtest.Init(t, "--tables", "5", "--rows", "20")
	h.StopIIS(t) // the application would otherwise keep adding rows between counts
	db := h.DB(t)
	u := db.User("AESUSER313")
	wantObjects := u.ObjectCounts()
	wantRows := map[string]int64{}
	for _, tb := range u.Tables {
		wantRows[tb.Name] = tb.Rows
	}
	db.Close()
	admintest.Run(t, func(t *testing.T) admintest.Fixture {
		a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
		t.Cleanup(func() { a.Close() })
		return admintest.Fixture{
			Admin: a, Descriptor: "XE", Schema: "AESUSER313",
			WantObjects: wantObjects, WantRows: wantRows,
			HoldSession: func(t *testing.T, user, _ string) func() {
				db := h.DB(t)
				defer db.Close()
				db.User(user).Sessions = 2
				if err := db.Save(); err != nil {
					t.Fatal(err)
				}
				return func() {}
			},
		}
	})
}

// TestDropWhileApplicationRuns: with IIS running the application holds sessions of the
// schema user; DropUserCascade locks the account so they cannot come back, ends them,
// and drops the user.
func TestDropWhileApplicationRuns(t *testing.T) {
	h := simtest.Init(t, "--tables", "2", "--rows", "3")
	a := NewAdmin(Config{Path: h.Bin("sqlplus")}, oracle.Options{DropBackoff: -1})
	if err := a.DropUserCascade(context.Background(), "AESUSER313"); err != nil {
		t.Fatal(err)
	}
	if ok, err := a.UserExists(context.Background(), "AESUSER313"); err != nil || ok {
		t.Fatalf("UserExists after drop = %v, %v", ok, err)
	}
}
