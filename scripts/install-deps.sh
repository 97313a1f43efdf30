#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: git (test repos and
# git http-backend), prometheus (promtool and the end-to-end scrape), unzip and restic (the
# peers benchmarks compare against), wine and the MinGW binutils (make wine: the Windows build
# under Wine, and the test-only DLL it needs), chromium (the status page loaded headless by
# TestE2EStatusPage). As root it runs apt-get; otherwise it names them.
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus >/dev/null || need+=(prometheus)
command -v unzip >/dev/null || need+=(unzip)
command -v restic >/dev/null || need+=(restic)
command -v gpg >/dev/null || need+=(gnupg)
command -v wine >/dev/null || need+=(wine)
command -v wine64 >/dev/null || [ -x /usr/lib/wine/wine64 ] || need+=(wine64)
command -v x86_64-w64-mingw32-dlltool >/dev/null || need+=(binutils-mingw-w64-x86-64)
command -v chromium >/dev/null || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${need[*]}; install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
