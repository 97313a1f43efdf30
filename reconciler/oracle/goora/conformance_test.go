package goora

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/admintest"
)

// EnvDSN names the real database the go-ora conformance run uses:
// oracle://ADMINUSER:PASSWORD@HOST:PORT/SERVICE (an account with DBA).
const EnvDSN = "VAULTKEEPER_TEST_ORACLE_DSN"

func TestConformance(t *testing.T) {
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		t.Skip(EnvDSN + " is not set: no real Oracle database to run the go-ora conformance suite against")
	}
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		t.Fatalf("%s: want oracle://USER:PASSWORD@HOST:PORT/SERVICE", EnvDSN)
	}
	pw, _ := u.User.Password()
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		port = 1521
	}
	service := strings.TrimPrefix(u.Path, "/")
	desc := fmt.Sprintf("(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=%s)(PORT=%d))(CONNECT_DATA=(SERVICE_NAME=%s)))", u.Hostname(), port, service)
	schema := os.Getenv("VAULTKEEPER_TEST_ORACLE_SCHEMA") // an existing schema with tables
	if schema == "" {
		schema = strings.ToUpper(u.User.Username())
	}
	admintest.Run(t, func(t *testing.T) admintest.Fixture {
		a, err := NewAdmin(Config{Target: Target{Descriptor: desc}, User: u.User.Username(), Password: pw, CallTimeout: time.Minute},
			oracle.Options{DropBackoff: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return admintest.Fixture{
			Admin: a, Descriptor: desc, Schema: schema,
			HoldSession: func(t *testing.T, user, password string) func() {
				url, err := URL(Target{Descriptor: desc}, user, password, false, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				db, err := sql.Open("oracle", url)
				if err != nil {
					t.Fatal(err)
				}
				if err := db.PingContext(context.Background()); err != nil {
					t.Fatal(err)
				}
				return func() { db.Close() }
			},
		}
	})
}
