#!/usr/bin/env bash
# make wine: the Windows build's tests under Wine (issue 18). It builds the Windows test binary
# of every package (GOOS=windows go test -c), runs each under Wine in its package folder, runs
# `vaultkeeper.exe demo --once` in a folder whose path has a space, and the e2e subset of
# cmd/vaultkeeper against prebuilt vaultkeeper.exe/altium-sim.exe (VAULTKEEPER_TEST_BIN_DIR).
#
# Tests that cannot run under Wine are listed in scripts/wine/not-under-wine.txt with the
# reason, printed and counted here, never skipped silently.
#
# Test-tooling workarounds for Wine 8 (never in the product):
#   - scripts/wine/prefix.sh: the prefix, with a ProcessPrng forwarder and dummy W3SVC/WAS;
#   - a build overlay of Go's internal/syscall/windows/at_windows.go that treats
#     STATUS_NOT_IMPLEMENTED like STATUS_INVALID_INFO_CLASS: Wine 8 does not implement
#     FILE_DISPOSITION_INFORMATION_EX, so os.RemoveAll fails ("Invalid function") where Windows
#     before 10 1607 gets Go's own fallback (plain delete disposition).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
t0=$(date +%s)
GO=${GO:-go}
JOBS=${WINE_JOBS:-2}

prefix=$(scripts/wine/prefix.sh)
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# The whole work folder has a space in its path, so every test, the demo and the e2e subset
# run with one.
work=$(mktemp -d "${TMPDIR:-/tmp}/vaultkeeper wine.XXXXXX")
cleanup() {
  # Never leave a test service behind: Wine would try to start it in every later session.
  wine sc delete vaultkeeper >/dev/null 2>&1 || true
  wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wineserver -p 600 # one server for the whole run: each wine start is then fast
winpath() { printf 'Z:%s' "${1//\//\\}"; }

# The overlay described above, made from this Go's own source.
goroot=$($GO env GOROOT)
at="$goroot/src/internal/syscall/windows/at_windows.go"
mkdir -p "$work/overlay" "$work/tests" "$work/bin" "$work/logs"
sed 's|case STATUS_INVALID_INFO_CLASS, // the operating system|case NTStatus(0xC0000002) /* STATUS_NOT_IMPLEMENTED: Wine 8 */, STATUS_INVALID_INFO_CLASS, // the operating system|' \
  "$at" >"$work/overlay/at_windows.go"
grep -q 'NTStatus(0xC0000002)' "$work/overlay/at_windows.go" || {
  echo "wine: cannot patch $at for the os.RemoveAll workaround (Go changed?)" >&2
  exit 1
}
printf '{"Replace":{"%s":"%s"}}\n' "$at" "$work/overlay/at_windows.go" >"$work/overlay.json"
export GOOS=windows GOARCH=amd64
gobuild=(-overlay "$work/overlay.json")

echo "wine: building the Windows binaries and test binaries"
$GO build "${gobuild[@]}" -o "$work/bin/vaultkeeper.exe" ./cmd/vaultkeeper
$GO build "${gobuild[@]}" -o "$work/bin/altium-sim.exe" ./cmd/altium-sim
$GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{"\t"}}{{.Dir}}{{end}}' ./... >"$work/pkgs"
export work
build_one() {
  local pkg=$1 name=${1//\//_}
  $GO test -c -vet=off -overlay "$work/overlay.json" -o "$work/tests/$name.test.exe" "$pkg" >"$work/logs/$name.build" 2>&1 ||
    { echo "wine: build of $pkg failed:"; cat "$work/logs/$name.build"; return 1; }
}
export -f build_one
export GO
cut -f1 "$work/pkgs" | xargs -P "$JOBS" -I{} bash -c 'build_one "$@"' _ {}
t1=$(date +%s)
echo "wine: built $(wc -l <"$work/pkgs") test binaries in $((t1 - t0))s"

# Tests that cannot run under Wine, with the reason.
list=scripts/wine/not-under-wine.txt
n_out=$(grep -cv '^\s*\(#\|$\)' "$list" || true)
echo "wine: $n_out tests do not run under Wine ($list):"
{ grep -v '^\s*\(#\|$\)' "$list" || true; } | awk -F'\t' '{printf "  %-28s %-44s %s\n", $1, $2, $3}'

export VAULTKEEPER_TEST_BIN_DIR
# A test needing a missing tool fails instead of skipping (testtool.Require).
export CI=true
# TestE2EServiceLifecycle may install and remove the vaultkeeper service: this prefix is ours.
export VAULTKEEPER_TEST_SERVICE=1
VAULTKEEPER_TEST_BIN_DIR=$(winpath "$work/bin")
run_one() {
  local pkg=${1%%$'\t'*} dir=${1#*$'\t'}
  local name=${pkg//\//_} rel skip
  rel=${pkg#github.com/vaultkeeper/vaultkeeper}
  rel=${rel#/}
  [ -f "$work/tests/$name.test.exe" ] || return 0
  skip=$(awk -F'\t' -v p="${rel:-.}" '$1 == p {printf "%s%s", sep, $2; sep="|"}' scripts/wine/not-under-wine.txt)
  local args=(-test.count=1 -test.timeout=6m)
  [ -n "$skip" ] && args+=("-test.skip=^($skip)\$")
  local s=$(date +%s) rc=0
  (cd "$dir" && wine "$work/tests/$name.test.exe" "${args[@]}") >"$work/logs/$name.log" 2>&1 || rc=$?
  # Wine 8 under load sometimes fails to start a process at all (seen: "Failed to load
  # ws2_32.dll: DLL initialization failed" with an ld.so assertion, in a tool a test started;
  # and CreateProcess failing with ERROR_INTERNAL_ERROR, which Go reports as "fork/exec
  # …: Internal error."). That is Wine's loader, not the code under test: say so and run the
  # package once more.
  local loader='DLL initialization failed\|Inconsistency detected by ld.so\|fork/exec .*: Internal error\.'
  if [ $rc -ne 0 ] && grep -q "$loader" "$work/logs/$name.log"; then
    echo "wine: ${rel:-.}: Wine failed to load a process; running the package once more"
    grep -m2 "$loader" "$work/logs/$name.log" | sed 's/^/    /'
    rc=0
    (cd "$dir" && wine "$work/tests/$name.test.exe" "${args[@]}") >"$work/logs/$name.log" 2>&1 || rc=$?
  fi
  if [ $rc -eq 0 ]; then
    printf 'ok   %-52s %3ss\n' "${rel:-.}" $(($(date +%s) - s))
  else
    printf 'FAIL %-52s %3ss (exit %s)\n' "${rel:-.}" $(($(date +%s) - s)) $rc
    grep -v '^=== \|^    --- PASS\|^--- PASS' "$work/logs/$name.log" | tail -60 | sed 's/^/    /'
    return 1
  fi
}
export -f run_one
fail=0
xargs -P "$JOBS" -d '\n' -I{} bash -c 'run_one "$1"' _ {} <"$work/pkgs" || fail=1
# The e2e subset's tool timeout: one hang row of the fault matrix (a make crash row).
vk=github.com/vaultkeeper/vaultkeeper/cmd/vaultkeeper
s=$(date +%s)
if (cd cmd/vaultkeeper && VAULTKEEPER_FULL_MATRIX=1 wine "$work/tests/${vk//\//_}.test.exe" -test.count=1 -test.timeout=4m \
  '-test.run=^TestE2EFaultMatrix$/^backup/avbackup_hangs_past_its_timeout$') >"$work/logs/timeout.log" 2>&1; then
  printf 'ok   %-52s %3ss\n' "cmd/vaultkeeper (tool timeout: avbackup hangs)" $(($(date +%s) - s))
else
  echo "FAIL cmd/vaultkeeper (tool timeout: avbackup hangs)"
  tail -40 "$work/logs/timeout.log" | sed 's/^/    /'
  fail=1
fi
t2=$(date +%s)
echo "wine: test binaries ran in $((t2 - t1))s"

# The demo, in a folder whose path has a space.
demo="$work/demo dir"
run_demo() {
  rm -rf "$demo"
  (cd "$work" && wine "$work/bin/vaultkeeper.exe" demo --once --timeout 4m --dir "$(winpath "$demo")") >"$work/logs/demo.log" 2>&1
}
demo_ok=0
run_demo && demo_ok=1 || rc=$?
# Once in several runs (seen 1 in 5 here) the Wine process of a demo that had printed its
# whole summary ended with SIGKILL (137) at exit; it never happened in a run of the demo on
# its own. Say so and run it once more, so that a Wine exit race is told apart from a failure;
# any other failure, or a second one, fails the pass.
if [ $demo_ok = 0 ] && [ "${rc:-0}" = 137 ] && grep -q 'integrity checks of aes-staging' "$work/logs/demo.log"; then
  echo "wine: the demo finished its work but its process was killed (SIGKILL) at exit; running it once more"
  run_demo && demo_ok=1
fi
if [ $demo_ok = 1 ]; then
  echo "ok   vaultkeeper.exe demo --once in \"$(winpath "$demo")\" $(($(date +%s) - t2))s"
else
  echo "FAIL vaultkeeper.exe demo --once in \"$(winpath "$demo")\""
  tail -40 "$work/logs/demo.log" | sed 's/^/    /'
  fail=1
fi
echo "wine: $((t1 - t0))s build, $(($(date +%s) - t1))s under Wine, $(($(date +%s) - t0))s in all; $n_out tests listed as not runnable under Wine"
exit $fail
