#!/usr/bin/env bash
# Benchmarks of the backup-set parts, each against its peer in the same run on the same data,
# printed as ONE table: measure | ours | peer | ratio | target.
#
#   scripts/bench.sh            # about 1-2 minutes; data goes to a temp dir, removed at exit
#
# Sizes can be changed with VK_BENCH_SET_MB (the L1/RSS set, default 4096), VK_BENCH_L2_MB
# (the zip of compressible entries, default 300) and VK_BENCH_RUNS (best of N, default 3).
# Other engineers' benchmarks are added below as more rows.
set -euo pipefail
cd "$(dirname "$0")/.."

SET_MB=${VK_BENCH_SET_MB:-4096}
L2_MB=${VK_BENCH_L2_MB:-300}
RUNS=${VK_BENCH_RUNS:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vk-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

for tool in sha256sum unzip restic; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is required (scripts/install-deps.sh)" >&2; exit 1; }
done

ROWS=()
row() { ROWS+=("$1|$2|$3|$4|$5"); }
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

log "building test binaries"
go test -c -o "$WORK/setverify.test" ./checks/setverify
go test -c -o "$WORK/catalog.test" ./state/catalog
go test -c -o "$WORK/retention.test" ./reconciler/retention
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
	">= 0.90x: $(check "$l1_ratio >= 0.9")"

# --- peak RSS while verifying the whole set (L1 + L2)
log "peak RSS, L1+L2 on the ${SET_MB} MiB set"
out=$(VK_SETVERIFY_HELPER=verify VK_DIR="$BIG" "$SV")
hwm_kib=$(sed -n 's/.*vmhwm_kib=\([0-9-]*\).*/\1/p' <<<"$out")
full_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out")
row "peak RSS verifying ${SET_MB} MiB set, L1+L2 in $(fmt "$full_s" 1) s (MiB)" "$(fmt "$(echo "$hwm_kib / 1024" | bc -l)" 1)" "-" "-" \
	"<= 64 MiB: $(check "$hwm_kib <= 65536")"
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
	"$(fmt "$l2_ratio")x" "<= 1.00x: $(check "$l2_ratio <= 1.0")"
rm -rf "$WORK/zipset"

# --- catalog scan of 100 servers x 1,000 sets
log "catalog scan of 100 x 1000 sets (generation takes a while)"
out=$(cd "$WORK" && ./catalog.test -test.run '^$' -test.bench 'BenchmarkScan100x1000$' -test.benchtime 1x)
scan_ns=$(awk '/^BenchmarkScan100x1000/ {print $3}' <<<"$out")
scan_s=$(echo "$scan_ns / 1000000000" | bc -l)
row "catalog scan, 100 servers x 1,000 sets (s)" "$(fmt "$scan_s")" "-" "-" "<= 2 s: $(check "$scan_s <= 2")"

# --- retention plan over 100,000 sets
log "retention plan over 100,000 sets"
out=$("$WORK/retention.test" -test.run '^$' -test.bench 'BenchmarkPlan100k$' -test.benchtime 20x)
plan_ms=$(echo "$(awk '/^BenchmarkPlan100k/ {print $3}' <<<"$out") / 1000000" | bc -l)
row "retention plan, 100,000 sets, all rules, Europe/Zurich (ms)" "$(fmt "$plan_ms" 1)" "-" "-" \
	"<= 100 ms: $(check "$plan_ms <= 100")"

# --- our plan vs restic forget --dry-run --json on the same 10,000 snapshots (kept sets compared)
log "restic forget --dry-run --json vs Plan on 10,000 snapshots"
out=$("$WORK/retention.test" -test.run '^$' -test.bench 'BenchmarkResticForget$' -test.benchtime 1x)
ours_ms=$(awk '/^BenchmarkResticForget/ {for (i=1;i<=NF;i++) if ($(i+1)=="ours-ms") print $i}' <<<"$out")
restic_ms=$(awk '/^BenchmarkResticForget/ {for (i=1;i<=NF;i++) if ($(i+1)=="restic-ms") print $i}' <<<"$out")
row "retention plan vs restic forget, 10,000 snapshots, same kept sets (ms)" "$(fmt "$ours_ms" 1)" \
	"$(fmt "$restic_ms" 0) (restic $(restic version | awk '{print $2}'))" "$(fmt "$(echo "$ours_ms / $restic_ms" | bc -l)" 4)x" \
	"same kept sets: met"

{
	echo "measure|ours|peer|ratio|target"
	echo "---|---|---|---|---"
	printf '%s\n' "${ROWS[@]}"
} | column -t -s '|' -o ' | '
