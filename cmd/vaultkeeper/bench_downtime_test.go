package main

// Benchmarks of IIS downtime (#18), measured from altium-sim's event log (each tool call's
// monotonic end, and its start from when its process started): a backup's outage in the
// vendor order and with downtime: minimal on the same host, and a restore's whole outage
// against the sum of the tool times inside it. avbackup, exp and imp are slowed to VK_BENCH_TOOL_SECONDS (default 5 s)
// with altium-sim's slow fault, so the tools dominate as on a real install.

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/events"
	"github.com/vaultkeeper/vaultkeeper/cmd/harness"
	"github.com/vaultkeeper/vaultkeeper/reconciler"
)

func benchToolSeconds() int {
	if n, err := strconv.Atoi(os.Getenv("VK_BENCH_TOOL_SECONDS")); err == nil && n > 0 {
		return n
	}
	return 5
}

// call is one finished tool call of a host's event log.
type call struct {
	tool, verb string
	start, end time.Duration
}

func calls(evs []events.Record) []call {
	var out []call
	for _, e := range evs {
		if e.Phase != "end" {
			continue
		}
		c := call{tool: e.Tool, start: time.Duration(e.StartMono), end: time.Duration(e.EndMono)}
		if e.ProcStartMono > 0 && e.ProcStartMono < e.StartMono {
			// The process's own start (exec and runtime start count as tool time), never
			// before the previous call ended (the OS's start time is in 10 ms ticks).
			c.start = time.Duration(e.ProcStartMono)
			if n := len(out); n > 0 && out[n-1].end > c.start && out[n-1].end < time.Duration(e.StartMono) {
				c.start = out[n-1].end
			}
		}
		if len(e.Argv) > 0 {
			c.verb = e.Argv[0]
		}
		out = append(out, c)
	}
	return out
}

// outage is the IIS outage around the call at index i: from the start of the last
// `net stop` before it to the end of the first `net start` after it, and the sum of the
// durations of every tool call inside (net stop and start included).
func outage(b *testing.B, cs []call, i int) (down, tools time.Duration, inside []call) {
	b.Helper()
	stop, start := -1, -1
	for j := i; j >= 0; j-- {
		if cs[j].tool == "net" && cs[j].verb == "stop" {
			stop = j
			break
		}
	}
	for j := i; j < len(cs); j++ {
		if cs[j].tool == "net" && cs[j].verb == "start" {
			start = j
			break
		}
	}
	if stop < 0 || start < 0 {
		b.Fatalf("no net stop/start around call %d: %+v", i, cs)
	}
	for _, c := range cs {
		if c.start >= cs[stop].start && c.end <= cs[start].end {
			tools += c.end - c.start
			inside = append(inside, c)
		}
	}
	return cs[start].end - cs[stop].start, tools, inside
}

func lastCall(cs []call, tool, verb string) int {
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].tool == tool && (verb == "" || cs[i].verb == verb) {
			return i
		}
	}
	return -1
}

func waitSets(b *testing.B, a *benchAgent, policy string, n int) {
	b.Helper()
	a.WaitFor(fmt.Sprintf("%d set(s) of %s", n, policy), 3*time.Minute, func() bool {
		var bs []reconciler.BackupView
		if a.Fetch("backups", &bs) != nil {
			return false
		}
		got := 0
		for _, s := range bs {
			if s.Policy == policy && s.Verified && !s.Replica {
				got++
			}
		}
		return got >= n
	})
}

// BenchmarkDowntimeMinimalVsVendor: one host, one policy; a backup in the vendor order,
// then the same policy switched to downtime: minimal and run again.
func BenchmarkDowntimeMinimalVsVendor(b *testing.B) {
	secs := benchToolSeconds()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		repo, hosts := benchSite(b, dir, "aes-prod")
		h := harness.Host{Name: "aes-prod", Root: hosts[0].Root}
		h.Fault(b, fmt.Sprintf("avbackup: {slow: %ds}\nexp: {slow: %ds}\n", secs, secs))
		simTool(b, h.Root, "GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO AESUSER313;\nEXIT\n", "sqlplus", "-S", "/ as sysdba")
		a := startBenchAgent(b, dir, repo)
		waitSets(b, a, "aes-prod-nightly", 1)
		cs := calls(h.Events(b))
		vendor, _, _ := outage(b, cs, lastCall(cs, "avbackup", "backup"))

		p := filepath.Join(repo, "altium.yaml")
		y, _ := os.ReadFile(p)
		os.WriteFile(p, []byte(strings.Replace(string(y), "  maxAge: 26h\n", "  maxAge: 26h\n  downtime: minimal\n", 1)), 0o644)
		a.WaitFor("the minimal revision", time.Minute, func() bool {
			var ps []reconciler.PolicyView
			return a.Fetch("policies", &ps) == nil && len(ps) == 1 && ps[0].Downtime == "minimal"
		})
		a.quiet()
		a.Request("policy/aes-prod-nightly")
		waitSets(b, a, "aes-prod-nightly", 2)
		cs = calls(h.Events(b))
		av := lastCall(cs, "avbackup", "backup")
		minimal, _, _ := outage(b, cs, av)
		avb := cs[av].end - cs[av].start
		if lastCall(cs, "exp", "") < lastCall(cs, "net", "start") {
			b.Fatalf("the minimal run exported before IIS started: %+v", cs)
		}
		b.ReportMetric(vendor.Seconds(), "vendor-s")
		b.ReportMetric(minimal.Seconds(), "minimal-s")
		b.ReportMetric(avb.Seconds(), "avbackup-s")
		b.ReportMetric(minimal.Seconds()/vendor.Seconds(), "ratio")
		a.Stop()
	}
}

// BenchmarkRestoreDowntime: a standing restore into staging with its safety backup; the
// restore's one outage against the sum of the tool calls inside it.
func BenchmarkRestoreDowntime(b *testing.B) {
	secs := benchToolSeconds()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		var hosts []demoHost
		for _, n := range []string{"aes-prod", "aes-staging"} {
			h := benchHost(b, dir, n)
			h.AllowRestore = n == "aes-staging"
			hosts = append(hosts, h)
		}
		for _, d := range []string{"backups", "nas"} {
			os.MkdirAll(filepath.Join(dir, d), 0o750)
		}
		repo := filepath.Join(dir, "repo")
		if err := writeDemoManifests(repo, dir, hosts, true); err != nil {
			b.Fatal(err)
		}
		st := harness.Host{Name: "aes-staging", Root: hosts[1].Root}
		st.Fault(b, fmt.Sprintf("avbackup: {slow: %ds}\nexp: {slow: %ds}\nimp: {slow: %ds}\n", secs, secs, secs))
		a := startBenchAgent(b, dir, repo)
		a.WaitFor("the restore", 3*time.Minute, func() bool {
			var rs []reconciler.RestoreView
			return a.Fetch("restores", &rs) == nil && len(rs) == 1 && rs[0].RestoredSet != ""
		})
		cs := calls(st.Events(b))
		down, tools, inside := outage(b, cs, lastCall(cs, "avbackup", "restore"))
		var stops int
		for _, c := range inside {
			if c.tool == "net" && c.verb == "stop" {
				stops++
			}
		}
		if stops != 1 {
			b.Fatalf("%d IIS stops inside the restore's outage: %+v", stops, inside)
		}
		for j := 1; j < len(inside); j++ {
			if gap := inside[j].start - inside[j-1].end; gap > 200*time.Millisecond {
				b.Logf("%v between %s %s and %s %s", gap.Round(time.Millisecond), inside[j-1].tool, inside[j-1].verb, inside[j].tool, inside[j].verb)
			}
		}
		b.ReportMetric(down.Seconds(), "downtime-s")
		b.ReportMetric(tools.Seconds(), "tools-s")
		b.ReportMetric(down.Seconds()/tools.Seconds(), "ratio")
		a.Stop()
	}
}
