package host

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/simtest"
)

func TestMain(m *testing.M) { os.Exit(simtest.Main(m)) }

// TestSiteLevelStopIsConfirmedByAppcmd: with a site-level stop (`appcmd stop site X`), W3SVC
// and WAS keep running by design, so the confirmation asks appcmd about the site, also on
// Windows (issue 18: Windows always asked the Service Control Manager, so a site-level stop
// could never be confirmed, and a stop that left the site running went unnoticed).
func TestSiteLevelStopIsConfirmedByAppcmd(t *testing.T) {
	cases := []struct {
		name, faults, wantErr string
	}{
		{name: "the site stops"},
		{name: "appcmd exits 0 and the site keeps running", faults: "appcmd:\n  match: stop\n  exit: 0\n", wantErr: "IIS still runs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := simtest.Init(t, "--db-host", "127.0.0.1")
			if err := os.WriteFile(filepath.Join(h.Root, "faults.yaml"), []byte(c.faults), 0o644); err != nil {
				t.Fatal(err)
			}
			appcmd := h.Bin("appcmd")
			if runtime.GOOS == "windows" {
				appcmd += ".exe"
			}
			stop := []string{appcmd, "stop", "site", "Altium365"}
			state := DefaultIISState(stop, "Altium365")
			if state == nil {
				t.Fatal("no way to confirm a site-level stop")
			}
			iis := IIS{StopArgv: stop, Timeout: time.Minute, State: state}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			err := iis.Stop(ctx)
			if c.wantErr == "" && err != nil {
				t.Fatalf("Stop: %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("Stop: %v, want it to say %q", err, c.wantErr)
			}
		})
	}
}
