#!/usr/bin/env bash
# Benchmarks, each measured in this run, printed as ONE table:
#   measure | ours | peer | ratio | target | met?
# Peers are real tools run on the same data (sha256sum, unzip -tq, restic forget); where an
# issue names no peer tool the peer column holds the target and the ratio is ours/target.
#
#   scripts/bench.sh            # about 4 minutes on 2 cores; data in a temp dir, removed at exit
#
# Sizes can be changed with VK_BENCH_SET_MB (the L1/RSS set, default 4096), VK_BENCH_L2_MB
# (the zip of compressible entries, default 300), VK_BENCH_RUNS (best of N, default 3) and
# VK_BENCH_TRIALS (agent latency trials, default 21) and VK_BENCH_TOOL_SECONDS (how long the
# slowed avbackup/exp/imp take in the IIS downtime rows, default 5). The table is preceded by the machine
# (nproc, memory, CPU, Go version, date) so that it can be pasted into docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SET_MB=${VK_BENCH_SET_MB:-4096}
L2_MB=${VK_BENCH_L2_MB:-300}
RUNS=${VK_BENCH_RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vk-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

TRIALS=${VK_BENCH_TRIALS:-21}
export VK_BENCH_TRIALS=$TRIALS

for tool in sha256sum unzip restic git bc column /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is required (scripts/install-deps.sh; /usr/bin/time is Debian's time)" >&2; exit 1; }
done

ROWS=()
row() { ROWS+=("$1|$2|$3|$4|$5|$6"); } # measure ours peer ratio target met
log() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
# best_of CMD...: the best wall time in seconds over RUNS runs (output discarded).
best_of() {
	local best="" t0 t1 d
	for _ in $(seq "$RUNS"); do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		d=$(echo "$t1 - $t0" | bc -l)
		if [[ -z $best ]] || (($(echo "$d < $best" | bc -l))); then best=$d; fi
	done
	printf '%.3f' "$best"
}
fmt() { printf "%.${2:-2}f" "$1"; }
check() { # check EXPR: "met" or "MISSED"
	if (($(echo "$1" | bc -l))); then echo met; else echo MISSED; fi
}
# metric OUT NAME UNIT: the value a Go benchmark NAME (without -GOMAXPROCS) reported with UNIT;
# the smallest when it ran several times (-test.count).
metric() {
	awk -v b="$2" -v u="$3" '{n = $1; sub(/-[0-9]+$/, "", n)} n == b {for (i = 2; i < NF; i++) if ($(i+1) == u) print $i}' <<<"$1" |
		sort -g | head -1
}
# versus_target OURS TARGET: ratio to the target, for rows without a peer tool.
versus_target() { fmt "$(echo "$1 / $2" | bc -l)"; }

T_START=$(now)
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
log "building test binaries"
go test -c -o "$WORK/setverify.test" ./checks/setverify
go test -c -o "$WORK/catalog.test" ./state/catalog
go test -c -o "$WORK/retention.test" ./reconciler/retention
go test -c -o "$WORK/manifests.test" ./manifests
go test -c -o "$WORK/metrics.test" ./reconciler/metrics
go test -c -o "$WORK/agent.test" ./cmd/vaultkeeper
SV="$WORK/setverify.test"

# --- L1: sha256 of every file vs sha256sum, on a set of SET_MB (zip of random stored entries + dump)
BIG="$WORK/dest/aes-bench/20260101T020000Z"
log "generating a ${SET_MB} MiB set"
VK_SETVERIFY_HELPER=gen VK_DIR="$BIG" VK_ZIP_MODE=random \
	VK_ZIP_BYTES=$((SET_MB * 3 / 4 * 1048576)) VK_DUMP_BYTES=$((SET_MB / 4 * 1048576)) "$SV"
BYTES=$(du -cb "$BIG"/files.zip "$BIG"/oracle.dmp "$BIG"/oracle-export.log | tail -1 | cut -f1)
cat "$BIG"/* >/dev/null # warm the page cache for both sides
log "L1 verify vs sha256sum"
l1_ours=$(best_of env VK_SETVERIFY_HELPER=verify VK_DIR="$BIG" VK_LEVELS=L1 "$SV")
l1_peer=$(best_of sha256sum "$BIG"/files.zip "$BIG"/oracle.dmp "$BIG"/oracle-export.log)
l1_ratio=$(echo "$l1_peer / $l1_ours" | bc -l)
row "L1 verify throughput, ${SET_MB} MiB set (MB/s)" "$(fmt "$(echo "$BYTES / $l1_ours / 1000000" | bc -l)" 0)" \
	"$(fmt "$(echo "$BYTES / $l1_peer / 1000000" | bc -l)" 0) (sha256sum)" "$(fmt "$l1_ratio")x" \
	">= 0.90x" "$(check "$l1_ratio >= 0.9")"

# --- peak RSS while verifying the whole set (L1 + L2)
log "peak RSS, L1+L2 on the ${SET_MB} MiB set"
out=$(VK_SETVERIFY_HELPER=verify VK_DIR="$BIG" "$SV")
hwm_kib=$(sed -n 's/.*vmhwm_kib=\([0-9-]*\).*/\1/p' <<<"$out")
full_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out")
row "peak RSS verifying ${SET_MB} MiB set, L1+L2 in $(fmt "$full_s" 1) s (MiB)" "$(fmt "$(echo "$hwm_kib / 1024" | bc -l)" 1)" "64 (target)" \
	"$(versus_target "$hwm_kib" 65536)x" "<= 64 MiB" "$(check "$hwm_kib <= 65536")"
rm -rf "$WORK/dest"

# --- L2: every zip entry decompressed with CRC vs unzip -tq, on many compressible entries
ZS="$WORK/zipset/aes-bench/20260101T020000Z"
log "generating a zip of ${L2_MB} MB of compressible entries"
VK_SETVERIFY_HELPER=gen VK_DIR="$ZS" VK_ZIP_MODE=text VK_ENTRY_BYTES=150000 \
	VK_ZIP_BYTES=$((L2_MB * 1000000)) VK_DUMP_BYTES=1000 "$SV"
entries=$(unzip -Z1 "$ZS/files.zip" | wc -l)
zip_mb=$(($(stat -c %s "$ZS/files.zip") / 1000000))
log "L2 verify vs unzip -tq"
l2_ours=$(best_of env VK_SETVERIFY_HELPER=verify VK_DIR="$ZS" VK_LEVELS=L2 "$SV")
l2_peer=$(best_of unzip -tq "$ZS/files.zip")
l2_ratio=$(echo "$l2_ours / $l2_peer" | bc -l)
row "L2 verify, zip of $entries entries, ${L2_MB} MB -> ${zip_mb} MB (s)" "$(fmt "$l2_ours")" "$(fmt "$l2_peer") (unzip -tq)" \
	"$(fmt "$l2_ratio")x" "<= 1.00x" "$(check "$l2_ratio <= 1.0")"
rm -rf "$WORK/zipset"

# --- catalog scan of 100 servers x 1,000 sets
log "catalog scan of 100 x 1000 sets (generation takes a while)"
out=$(cd "$WORK" && ./catalog.test -test.run '^$' -test.bench 'BenchmarkScan100x1000$' -test.benchtime 3x)
scan_ns=$(awk '/^BenchmarkScan100x1000/ {print $3}' <<<"$out")
scan_s=$(echo "$scan_ns / 1000000000" | bc -l)
row "catalog scan, 100 servers x 1,000 sets, mean of 3 (s)" "$(fmt "$scan_s")" "2 (target)" "$(versus_target "$scan_s" 2)x" \
	"<= 2 s" "$(check "$scan_s <= 2")"

# --- retention plan over 100,000 sets
log "retention plan over 100,000 sets"
out=$("$WORK/retention.test" -test.run '^$' -test.bench 'BenchmarkPlan100k$' -test.benchtime 20x)
plan_ms=$(echo "$(awk '/^BenchmarkPlan100k/ {print $3}' <<<"$out") / 1000000" | bc -l)
row "retention plan, 100,000 sets, all rules, Europe/Zurich (ms)" "$(fmt "$plan_ms" 1)" "100 (target)" \
	"$(versus_target "$plan_ms" 100)x" "<= 100 ms" "$(check "$plan_ms <= 100")"

# --- our plan vs restic forget --dry-run --json on the same 10,000 snapshots (kept sets compared)
log "restic forget --dry-run --json vs Plan on 10,000 snapshots"
out=$("$WORK/retention.test" -test.run '^$' -test.bench 'BenchmarkResticForget$' -test.benchtime 1x)
ours_ms=$(awk '/^BenchmarkResticForget/ {for (i=1;i<=NF;i++) if ($(i+1)=="ours-ms") print $i}' <<<"$out")
restic_ms=$(awk '/^BenchmarkResticForget/ {for (i=1;i<=NF;i++) if ($(i+1)=="restic-ms") print $i}' <<<"$out")
row "retention plan vs restic forget, 10,000 snapshots, same kept sets (ms)" "$(fmt "$ours_ms" 1)" \
	"$(fmt "$restic_ms" 0) (restic $(restic version | awk '{print $2}'))" "$(fmt "$(echo "$ours_ms / $restic_ms" | bc -l)" 4)x" \
	"same kept sets (else the benchmark fails)" "met"

# --- manifest decoding + validation of a generated repo of 10,000 manifests; peak RSS of the
# test binary (generation included) from GNU time
log "manifest decoding, 10,000 manifests"
out=$(/usr/bin/time -v -o "$WORK/load.time" "$WORK/manifests.test" -test.run '^$' -test.bench 'BenchmarkLoad10k$' -test.benchtime 3x -test.count "$RUNS")
load_s=$(echo "$(metric "$out" BenchmarkLoad10k ns/op) / 1000000000" | bc -l)
load_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/load.time")
row "decode + validate 10,000 manifests, best of $RUNS means of 3 (s)" "$(fmt "$load_s")" "1 (target)" "$(versus_target "$load_s" 1)x" \
	"<= 1 s" "$(check "$load_s <= 1")"
row "peak RSS of that benchmark process, GNU time (MiB)" "$(fmt "$(echo "$load_kib / 1024" | bc -l)" 0)" "200 (target)" \
	"$(versus_target "$load_kib" 204800)x" "<= 200 MiB" "$(check "$load_kib <= 204800")"

# --- /metrics for 100 servers x 3 policies
log "/metrics render, 100 servers x 3 policies"
out=$("$WORK/metrics.test" -test.run '^$' -test.bench 'BenchmarkRender$' -test.benchtime 1s -test.count "$RUNS")
for enc in identity gzip; do
	r_ms=$(echo "$(metric "$out" "BenchmarkRender/$enc" ns/op) / 1000000" | bc -l)
	r_kb=$(echo "$(metric "$out" "BenchmarkRender/$enc" body-bytes) / 1000" | bc -l)
	row "/metrics, 100 servers x 3 policies, $enc, $(fmt "$r_kb" 0) kB, best of $RUNS 1-s means (ms)" "$(fmt "$r_ms" 1)" "20 (target)" \
		"$(versus_target "$r_ms" 20)x" "<= 20 ms" "$(check "$r_ms <= 20")"
done

# --- the real agent binary on altium-sim hosts (cmd/vaultkeeper/bench_agent_test.go); cmd/harness
# builds vaultkeeper and altium-sim (or takes them from VAULTKEEPER_TEST_BIN_DIR), finding the
# module from the package folder
log "agent: webhook -> first action, folder edit -> applied revision ($TRIALS trials each), idle RSS/CPU (~30 s)"
out=$(cd cmd/vaultkeeper && "$WORK/agent.test" -test.run '^$' -test.bench '^BenchmarkAgent' -test.benchtime 1x)
act_ms=$(metric "$out" BenchmarkAgentWebhookToAction action-ms)
act_max=$(metric "$out" BenchmarkAgentWebhookToAction action-max-ms)
run_ms=$(metric "$out" BenchmarkAgentWebhookToAction run-ms)
row "webhook POST -> first action (altium-sim: net stop WAS /y starts), git file:// repo, median of $TRIALS, max $(fmt "$act_max" 0) (ms)" \
	"$(fmt "$act_ms" 0)" "300 (target)" "$(versus_target "$act_ms" 300)x" "<= 300 ms" "$(check "$act_ms <= 300")"
row "webhook POST -> backup run journal begun, same trials, median (ms)" \
	"$(fmt "$run_ms" 0)" "300 (target)" "$(versus_target "$run_ms" 300)x" "<= 300 ms" "$(check "$run_ms <= 300")"
edit_ms=$(metric "$out" BenchmarkAgentFolderEditToPlan edit-ms)
edit_max=$(metric "$out" BenchmarkAgentFolderEditToPlan edit-max-ms)
row "folder edit -> new revision applied (/api/v1/source), median of $TRIALS, max $(fmt "$edit_max" 0) (ms)" \
	"$(fmt "$edit_ms" 0)" "200 (target)" "$(versus_target "$edit_ms" 200)x" "<= 200 ms" "$(check "$edit_ms <= 200")"
idle_rss=$(metric "$out" BenchmarkAgentIdle rss-MiB)
idle_hwm=$(metric "$out" BenchmarkAgentIdle hwm-MiB)
idle_ticks=$(metric "$out" BenchmarkAgentIdle cpu-ticks)
idle_cpu_ms=$(metric "$out" BenchmarkAgentIdle cpu-ms)
row "idle agent VmRSS, 3 servers after their backups, 10 s settled (VmHWM $(fmt "$idle_hwm" 1)) (MiB)" \
	"$(fmt "$idle_rss" 1)" "30 (target)" "$(versus_target "$idle_rss" 30)x" "<= 30 MiB" "$(check "$idle_rss <= 30")"
row "idle agent CPU over 10 s: utime+stime ticks (schedstat ms)" "$(fmt "$idle_ticks" 0) ($(fmt "$idle_cpu_ms" 1) ms)" \
	"0 (target)" "-" "0 ticks" "$(check "$idle_ticks == 0")"

# --- IIS downtime (#18): minimal vs vendor on the same altium-sim host, and a restore's one
# outage vs the tool calls inside it, the tools slowed to VK_BENCH_TOOL_SECONDS (default 5)
TOOL_S=${VK_BENCH_TOOL_SECONDS:-5}
log "IIS downtime: minimal vs vendor backup, restore outage vs its tools (tools slowed to ${TOOL_S} s, ~80 s)"
out=$(cd cmd/vaultkeeper && VK_BENCH_TOOL_SECONDS=$TOOL_S "$WORK/agent.test" -test.run '^$' -test.bench '^Benchmark(DowntimeMinimalVsVendor|RestoreDowntime)$' -test.benchtime 1x)
vendor_s=$(metric "$out" BenchmarkDowntimeMinimalVsVendor vendor-s)
minimal_s=$(metric "$out" BenchmarkDowntimeMinimalVsVendor minimal-s)
avb_s=$(metric "$out" BenchmarkDowntimeMinimalVsVendor avbackup-s)
row "IIS downtime of a backup, downtime: minimal vs vendor, same host, avbackup and exp slowed to ${TOOL_S} s (s)" \
	"$(fmt "$minimal_s")" "$(fmt "$vendor_s") (vendor)" "$(fmt "$(echo "$minimal_s / $vendor_s" | bc -l)")x" \
	"<= avbackup $(fmt "$avb_s") s + 2 s" "$(check "$minimal_s <= $avb_s + 2")"
down_s=$(metric "$out" BenchmarkRestoreDowntime downtime-s)
tools_s=$(metric "$out" BenchmarkRestoreDowntime tools-s)
rratio=$(echo "$down_s / $tools_s" | bc -l)
row "IIS downtime of a restore with its safety backup vs the sum of the tool calls inside it, avbackup/exp/imp slowed to ${TOOL_S} s (s)" \
	"$(fmt "$down_s")" "$(fmt "$tools_s") (tools)" "$(fmt "$rratio")x" "<= 1.05x" "$(check "$rratio <= 1.05")"

overrides=$(env | grep -E '^VK_BENCH_(SET_MB|L2_MB|RUNS|TRIALS|TOOL_SECONDS)=' | grep -v "^VK_BENCH_TRIALS=21$" | sort | tr '\n' ' ' || true)
echo "command: ${overrides}make bench   (scripts/bench.sh, $(printf '%.0f' "$(echo "$(now) - $T_START" | bc -l)") s)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores (nproc), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) memory, CPU $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(go version | awk '{print $3, $4}'), kernel $(uname -r)"
echo "load:    1-min load average $LOAD_START at start, $(cut -d' ' -f1 /proc/loadavg) at end (other work on the machine skews timings)"
echo
{
	echo "measure|ours|peer|ratio|target|met?"
	echo "---|---|---|---|---|---"
	printf '%s\n' "${ROWS[@]}"
} | column -t -s '|' -o ' | '
