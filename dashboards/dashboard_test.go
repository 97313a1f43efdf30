package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"
)

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type dashboard struct {
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int      `json:"id"`
	Type       string   `json:"type"`
	Title      string   `json:"title"`
	Datasource *dsRef   `json:"datasource"`
	Targets    []target `json:"targets"`
	Panels     []panel  `json:"panels"`
	GridPos    struct {
		H, W, X, Y int
	} `json:"gridPos"`
}

type target struct {
	RefID      string `json:"refId"`
	Expr       string `json:"expr"`
	Datasource *dsRef `json:"datasource"`
}

type variable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Query      json.RawMessage `json:"query"`
	Datasource *dsRef          `json:"datasource"`
	Multi      bool            `json:"multi"`
	IncludeAll bool            `json:"includeAll"`
}

// query is one PromQL expression of the dashboard and where it is.
type query struct {
	Where, Expr string
}

const dsVar = "${datasource}"

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile("vaultkeeper.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("vaultkeeper.json: %v", err)
	}
	return d
}

func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

var labelValues = regexp.MustCompile(`^label_values\((.+),\s*(\w+)\)$`)

// queries are every panel target's expression and every query variable's, the latter as the
// instant query that returns the same label values.
func queries(t *testing.T, d dashboard) []query {
	t.Helper()
	var out []query
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("variable %s: query: %v", v.Name, err)
		}
		m := labelValues.FindStringSubmatch(q.Query)
		if m == nil {
			t.Fatalf("variable %s: query %q is not label_values(selector, label)", v.Name, q.Query)
		}
		out = append(out, query{Where: "variable " + v.Name, Expr: fmt.Sprintf("count by (%s) (%s)", m[2], m[1])})
	}
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			out = append(out, query{Where: fmt.Sprintf("panel %d %q target %s", p.ID, p.Title, tg.RefID), Expr: tg.Expr})
		}
	}
	return out
}

// expand substitutes the dashboard's variables with concrete values, as Grafana would with
// every server and policy of the end-to-end test selected.
var expand = strings.NewReplacer(
	"${server}", "aes-prod|aes-staging", "$server", "aes-prod|aes-staging",
	"${policy}", "nightly|hourly|weekly", "$policy", "nightly|hourly|weekly",
	"$__rate_interval", "30s", "$__range", "5m", "$__interval", "5s",
).Replace

var panelTypes = map[string]bool{"row": true, "timeseries": true, "stat": true, "table": true, "bargauge": true}

// wantPanels are the panels issue 9 asks for.
var wantPanels = []string{
	"Backup age / max age", "Last result", "Running now", "Verified sets", "Backup set size",
	"Backup duration", "Destination free space", "Integrity checks", "Restores", "Source revision",
	"Since last source sync", "Reconcile errors",
	"IIS downtime of the last backup", // #18
}

func TestDashboardShape(t *testing.T) {
	d := loadDashboard(t)
	if d.SchemaVersion < 39 || d.SchemaVersion > 42 {
		t.Errorf("schemaVersion %d, want a current one (39–42)", d.SchemaVersion)
	}
	if d.UID == "" || d.Title == "" {
		t.Errorf("uid %q, title %q: both are needed for a stable import", d.UID, d.Title)
	}
	vars := map[string]variable{}
	for _, v := range d.Templating.List {
		vars[v.Name] = v
	}
	if v := vars["datasource"]; v.Type != "datasource" || string(v.Query) != `"prometheus"` {
		t.Errorf("datasource variable: type %q query %s, want a prometheus datasource variable", v.Type, v.Query)
	}
	for _, name := range []string{"server", "policy"} {
		v, ok := vars[name]
		if !ok || v.Type != "query" || v.Datasource == nil || v.Datasource.UID != dsVar || !v.Multi || !v.IncludeAll {
			t.Errorf("variable %s = %+v, want a multi-value query variable on %s with All", name, v, dsVar)
		}
	}
	ids := map[int]string{}
	titles := map[string]bool{}
	for _, p := range allPanels(d.Panels) {
		titles[p.Title] = true
		if prev, dup := ids[p.ID]; dup || p.ID == 0 {
			t.Errorf("panel %q: id %d not unique (also %q)", p.Title, p.ID, prev)
		}
		ids[p.ID] = p.Title
		if !panelTypes[p.Type] {
			t.Errorf("panel %q: type %q", p.Title, p.Type)
		}
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("panel %q: gridPos %+v outside the 24-column grid", p.Title, p.GridPos)
		}
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != dsVar || p.Datasource.Type != "prometheus" {
			t.Errorf("panel %q: datasource %+v, want prometheus %s", p.Title, p.Datasource, dsVar)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q: no targets", p.Title)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			if tg.Datasource == nil || tg.Datasource.UID != dsVar {
				t.Errorf("panel %q target %s: datasource %+v, want %s", p.Title, tg.RefID, tg.Datasource, dsVar)
			}
			if tg.Expr == "" || tg.RefID == "" || refs[tg.RefID] {
				t.Errorf("panel %q: target %q with expr %q: empty or duplicate", p.Title, tg.RefID, tg.Expr)
			}
			refs[tg.RefID] = true
		}
	}
	for _, w := range wantPanels {
		if !titles[w] {
			t.Errorf("panel %q missing", w)
		}
	}
}

var (
	policyMetric = regexp.MustCompile(`vaultkeeper_(?:backup_\w+|destination_free_bytes)(\{[^}]*\})?`)
	serverMetric = regexp.MustCompile(`vaultkeeper_(?:restore|check)_\w+(\{[^}]*\})?`)
)

// TestDashboardFilters: every selector of a per-policy metric filters on $server and $policy,
// every selector of a per-server one on $server.
func TestDashboardFilters(t *testing.T) {
	for _, q := range queries(t, loadDashboard(t)) {
		if strings.HasPrefix(q.Where, "variable server") {
			continue // the list of servers itself
		}
		for _, m := range policyMetric.FindAllStringSubmatch(q.Expr, -1) {
			need := []string{`server=~"$server"`, `policy=~"$policy"`}
			if strings.HasPrefix(q.Where, "variable policy") {
				need = need[:1]
			}
			for _, n := range need {
				if !strings.Contains(m[1], n) {
					t.Errorf("%s: %s does not filter on %s", q.Where, m[0], n)
				}
			}
		}
		for _, m := range serverMetric.FindAllStringSubmatch(q.Expr, -1) {
			if !strings.Contains(m[1], `server=~"$server"`) {
				t.Errorf("%s: %s does not filter on $server", q.Where, m[0])
			}
		}
	}
}

// TestDashboardQueriesParse has promtool parse every query, with the variables substituted,
// as recording rules.
func TestDashboardQueriesParse(t *testing.T) {
	promtool := testtool.Require(t, "promtool")
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	qs := queries(t, loadDashboard(t))
	for i, q := range qs {
		e := expand(q.Expr)
		if strings.Contains(e, "$") {
			t.Errorf("%s: variable left after substitution: %s", q.Where, e)
		}
		js, _ := json.Marshal(e) // a JSON string is a YAML string
		fmt.Fprintf(&b, "      - record: dashboard:query_%d\n        expr: %s\n", i, js)
	}
	path := filepath.Join(t.TempDir(), "queries.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput()
	if err != nil {
		t.Errorf("promtool check rules on the dashboard's %d queries: %v\n%s", len(qs), err, out)
	}
}
