package host

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/toolrun"
)

// IISState reports whether IIS still serves. A stop command that exits 0 while IIS keeps
// running would let the application write between avbackup and the export, so the pair would
// no longer describe one moment: the runbook checks the state after every stop.
type IISState func(ctx context.Context) (running bool, detail string, err error)

// DefaultIISState picks how to read IIS's state: for a site-level stop (`appcmd stop site
// X`, which leaves W3SVC and WAS running) that appcmd's `list site /xml`; otherwise the
// Service Control Manager on Windows (W3SVC and WAS); elsewhere `appcmd list site /xml` when
// an appcmd sits beside the stop program (the simulator's layout). It returns nil when there
// is no way to tell.
func DefaultIISState(stopArgv []string, site string) IISState {
	if siteLevelStop(stopArgv) {
		return AppcmdState(stopArgv[0], site)
	}
	if s := serviceState(); s != nil {
		return s
	}
	if len(stopArgv) == 0 || filepath.Dir(stopArgv[0]) == "." {
		return nil
	}
	appcmd := filepath.Join(filepath.Dir(stopArgv[0]), "appcmd")
	if _, err := os.Stat(appcmd); err != nil {
		return nil
	}
	return AppcmdState(appcmd, site)
}

// siteLevelStop tells whether argv is `appcmd stop site …` (appcmd or appcmd.exe, any case).
func siteLevelStop(argv []string) bool {
	if len(argv) < 3 {
		return false
	}
	name := strings.ToLower(filepath.Base(strings.ReplaceAll(argv[0], `\`, "/")))
	return strings.TrimSuffix(name, ".exe") == "appcmd" && strings.EqualFold(argv[1], "stop") && strings.EqualFold(argv[2], "site")
}

// AppcmdState reads the state of site from `appcmd list site /xml`.
func AppcmdState(appcmd, site string) IISState {
	return func(ctx context.Context) (bool, string, error) {
		var out strings.Builder
		if _, err := toolrun.Run(ctx, toolrun.Cmd{Name: "appcmd", Argv: []string{appcmd, "list", "site", "/xml"}, Timeout: time.Minute, Output: &out}); err != nil {
			return false, "", fmt.Errorf("appcmd list site: %w", err)
		}
		var doc struct {
			Sites []struct {
				Name  string `xml:"SITE.NAME,attr"`
				State string `xml:"state,attr"`
			} `xml:"SITE"`
		}
		if err := xml.Unmarshal([]byte(out.String()), &doc); err != nil {
			return false, "", fmt.Errorf("appcmd list site /xml: %w", err)
		}
		for _, s := range doc.Sites {
			if strings.EqualFold(s.Name, site) {
				return strings.EqualFold(s.State, "Started"), fmt.Sprintf("site %s is %s", s.Name, s.State), nil
			}
		}
		return false, fmt.Sprintf("site %s not listed by appcmd", site), nil
	}
}

// waitStopped polls state until IIS no longer runs, for at most limit.
func waitStopped(ctx context.Context, state IISState, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	seen := "" // what the last answer said while IIS still ran
	for {
		running, detail, err := state(ctx)
		if err != nil {
			if seen != "" && ctx.Err() != nil {
				// The step's time ran out during a check: the decisive fact is that IIS was
				// still running, not that the last check was cut short.
				return fmt.Errorf("IIS still runs after the stop command succeeded (%s): %w", seen, ctx.Err())
			}
			return err
		}
		seen = detail
		if !running {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("IIS still runs after the stop command succeeded (%s); not continuing: the file storage and the database would not describe one moment", detail)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("IIS still runs after the stop command succeeded (%s): %w", detail, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}
