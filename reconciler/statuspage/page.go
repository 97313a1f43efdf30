package statuspage

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/manifests"
	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// HistoryRows bounds the runs of each history table (newest first); the newest RecentRows
// are shown, the others folded under them.
const (
	HistoryRows = 30
	RecentRows  = 10
)

// Data is everything the page shows, taken from one reading of the agent.
type Data struct {
	Now                      time.Time
	Agent, Version, Revision string
	Source                   view.SourceView
	Servers                  []Server
}

// Server is one server of the agent with its policies, restores and checks.
type Server struct {
	view.ServerView
	Policies []Policy
	Restores []Restore
	Checks   []state.Check
}

// Policy is a policy's view with its zone (the manifest's timeZone; nil is UTC) and its
// runs, oldest first.
type Policy struct {
	view.PolicyView
	Zone *time.Location
	Runs []view.RunView
}

// Restore is a restore's view with its runs, oldest first.
type Restore struct {
	view.RestoreView
	Runs []view.RunView
}

// policyPage adds what the template needs to a Policy.
type policyPage struct {
	Policy
	Now   time.Time
	Chart chart
}

// State is the policy's one-word state for its badge: running, suspended, stale, failing
// (the last run failed, the newest set is still within maxAge), ok.
func (p policyPage) State() string {
	switch {
	case p.Running:
		return "running"
	case p.Suspended:
		return "suspended"
	case p.Stale:
		return "stale"
	case p.LastResult == "failure":
		return "failing"
	}
	return "ok"
}

// Age is how old the newest set is, and AgeFraction that age as a share of maxAge (0–1,
// the width of the age bar).
func (p policyPage) Age() string {
	if p.LastSuccess.IsZero() {
		return "no set yet"
	}
	return span(p.Now.Sub(p.LastSuccess)) + " old"
}

func (p policyPage) AgeFraction() float64 {
	maxAge, err := manifests.ParseDuration(p.MaxAge)
	if err != nil || maxAge <= 0 || p.LastSuccess.IsZero() {
		return 1
	}
	return min(1, max(0, float64(p.Now.Sub(p.LastSuccess))/float64(maxAge)))
}

// Recent is the policy's newest RecentRows runs, newest first; Older the rest of the
// newest HistoryRows (shown folded).
func (p policyPage) Recent() []view.RunView { return recent(p.Runs) }
func (p policyPage) Older() []view.RunView  { return older(p.Runs) }

func newestFirst(runs []view.RunView) []view.RunView {
	out := slices.Clone(runs)
	slices.Reverse(out)
	if len(out) > HistoryRows {
		out = out[:HistoryRows]
	}
	return out
}

func recent(runs []view.RunView) []view.RunView {
	out := newestFirst(runs)
	return out[:min(len(out), RecentRows)]
}

func older(runs []view.RunView) []view.RunView {
	out := newestFirst(runs)
	return out[min(len(out), RecentRows):]
}

// zonedRun is a run with the zone its times are written in.
type zonedRun struct {
	Run  view.RunView
	Zone *time.Location
}

// serverPage is a server with the zone its restores and checks are written in: its first
// policy's (UTC without one), so one server's times read in one zone.
type serverPage struct {
	Server
	Now      time.Time
	Zone     *time.Location
	Policies []policyPage
	Restores []restorePage
}

type restorePage struct {
	Restore
	Now  time.Time
	Zone *time.Location
}

func (r restorePage) Recent() []view.RunView { return recent(r.Runs) }
func (r restorePage) Older() []view.RunView  { return older(r.Runs) }

type page struct {
	Data
	Zone                                    *time.Location // the first server's: the header's time
	Servers                                 []serverPage
	Policies, Stale, Failing, Ok, Suspended int
}

//go:embed page.html.tmpl
var pageSource string

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"when":     when,
	"utc":      func(t time.Time) string { return when(t, time.UTC) },
	"age":      age,
	"seconds":  seconds,
	"bytes":    byteSize,
	"run":      func(r view.RunView, zone *time.Location) zonedRun { return zonedRun{Run: r, Zone: zone} },
	"stepSaid": func(step, err string) bool { return strings.Contains(err, step) },
	"mul90":    func(f float64) float64 { return 90 * f },
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
}).Parse(pageSource))

// Write renders the page for d.
func Write(w io.Writer, d Data) error {
	p := page{Data: d}
	for _, s := range d.Servers {
		sp := serverPage{Server: s, Now: d.Now}
		if len(s.Policies) > 0 {
			sp.Zone = s.Policies[0].Zone
		}
		for _, pol := range s.Policies {
			pp := policyPage{Policy: pol, Now: d.Now, Chart: newChart(pol.Runs, pol.Zone)}
			switch { // the summary counts health, whether or not a run is in flight
			case pol.Suspended:
				p.Suspended++
			case pol.Stale:
				p.Stale++
			case pol.LastResult == "failure":
				p.Failing++
			default:
				p.Ok++
			}
			p.Policies++
			sp.Policies = append(sp.Policies, pp)
		}
		for _, r := range s.Restores {
			sp.Restores = append(sp.Restores, restorePage{Restore: r, Now: d.Now, Zone: sp.Zone})
		}
		p.Servers = append(p.Servers, sp)
		if p.Zone == nil {
			p.Zone = sp.Zone
		}
	}
	return tmpl.Execute(w, p)
}

// contentSecurity forbids every script, frame and outside resource: the page needs none,
// so text that got past the escaping still could not run or call out.
const contentSecurity = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves the page from read, called once per request.
func Handler(read func() Data) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		if err := Write(&b, read()); err != nil {
			http.Error(w, "status page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", contentSecurity)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		w.Write(b.Bytes())
	})
}
