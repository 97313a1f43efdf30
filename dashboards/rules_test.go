package dashboards

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

// RunbookBase is where every alert's runbook_url points: a README section per alert.
const RunbookBase = "https://github.com/vaultkeeper/vaultkeeper/blob/main/README.md#alert-"

type ruleFile struct {
	Groups []struct {
		Name  string `json:"name"`
		Rules []rule `json:"rules"`
	} `json:"groups"`
}

type rule struct {
	Alert       string            `json:"alert"`
	Expr        string            `json:"expr"`
	For         string            `json:"for"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func loadRules(t *testing.T) []rule {
	t.Helper()
	b, err := os.ReadFile("alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f ruleFile
	if err := yaml.UnmarshalStrict(b, &f); err != nil {
		t.Fatalf("alerts.yaml: %v", err)
	}
	var rules []rule
	for _, g := range f.Groups {
		rules = append(rules, g.Rules...)
	}
	return rules
}

// wantAlerts are the alerts issue 9 asks for; each must exist and have a promtool test.
var wantAlerts = []string{
	"VaultkeeperBackupStale", "VaultkeeperBackupNeverSucceeded", "VaultkeeperBackupFailing",
	"VaultkeeperVerifiedSetsLow", "VaultkeeperVerificationOverdue", "VaultkeeperCheckFailing",
	"VaultkeeperRestoreFailed", "VaultkeeperRestoreLagging", "VaultkeeperSourceSyncStale",
	"VaultkeeperManifestsInvalid", "VaultkeeperDestinationFillingUp", "VaultkeeperAgentDown",
	"VaultkeeperBackupFutureSets",          // issue 14
	"VaultkeeperAgentOwnsNoServer",         // issue 16
	"VaultkeeperReplicaFailing",            // issue 16
	"VaultkeeperRecoveryObligationPending", // issue 14
}

func TestRulesShape(t *testing.T) {
	rules := loadRules(t)
	have := map[string]rule{}
	for _, r := range rules {
		if r.Alert == "" {
			t.Errorf("recording rule %q: alerts.yaml holds alerts only", r.Expr)
			continue
		}
		if _, dup := have[r.Alert]; dup {
			t.Errorf("%s: defined twice", r.Alert)
		}
		have[r.Alert] = r
		if s := r.Labels["severity"]; s != "critical" && s != "warning" {
			t.Errorf("%s: severity %q, want critical or warning", r.Alert, s)
		}
		for _, a := range []string{"summary", "description", "runbook_url"} {
			if r.Annotations[a] == "" {
				t.Errorf("%s: annotation %s missing", r.Alert, a)
			}
		}
		if want := RunbookBase + strings.ToLower(r.Alert); r.Annotations["runbook_url"] != want {
			t.Errorf("%s: runbook_url %q, want %q", r.Alert, r.Annotations["runbook_url"], want)
		}
	}
	fires, quiet := ruleTestCases(t)
	for _, name := range wantAlerts {
		if _, ok := have[name]; !ok {
			t.Errorf("%s: missing from alerts.yaml", name)
		}
		if fires[name] == 0 {
			t.Errorf("%s: testdata/alerts_test.yaml has no case where it fires", name)
		}
		if quiet[name] == 0 {
			t.Errorf("%s: testdata/alerts_test.yaml has no case where it must not fire", name)
		}
	}
	if len(have) != len(wantAlerts) {
		t.Errorf("alerts.yaml has %d alerts, the list here %d: keep them in step", len(have), len(wantAlerts))
	}
}

func TestPromtoolRules(t *testing.T) {
	promtool := testtool.Require(t, "promtool")
	for _, args := range [][]string{
		{"check", "rules", "alerts.yaml"},
		{"test", "rules", "testdata/alerts_test.yaml"},
	} {
		out, err := exec.Command(promtool, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// ruleTestCases counts, per alert, the promtool cases that expect it to fire and those that
// expect it not to.
func ruleTestCases(t *testing.T) (fires, quiet map[string]int) {
	t.Helper()
	b, err := os.ReadFile("testdata/alerts_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string `json:"alertname"`
				ExpAlerts []any  `json:"exp_alerts"`
			} `json:"alert_rule_test"`
		} `json:"tests"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("testdata/alerts_test.yaml: %v", err)
	}
	fires, quiet = map[string]int{}, map[string]int{}
	for _, g := range f.Tests {
		for _, c := range g.AlertRuleTest {
			if len(c.ExpAlerts) > 0 {
				fires[c.Alertname]++
			} else {
				quiet[c.Alertname]++
			}
		}
	}
	return fires, quiet
}
