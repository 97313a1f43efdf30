#!/usr/bin/env bash
# Prepares the Wine prefix the Windows tests run in and prints its path. Test tooling only:
# nothing here reaches the product.
#
# The prefix lives in the cache (VAULTKEEPER_WINE_CACHE, else $XDG_CACHE_HOME or ~/.cache,
# /vaultkeeper-wine/<wine version>/prefix) because `wineboot -i` takes a minute; a prefix is
# reused while its stamp (wine version + this script + the DLL sources) is unchanged. It holds:
#   - bcryptprimitives.dll, forwarding ProcessPrng to advapi32.SystemFunction036: Wine 8 lacks
#     it and every Go >= 1.22 program needs it at start-up (bcryptprimitives.def);
#   - W3SVC and WAS as stopped, demand-start dummy services: the Windows build asks the
#     Service Control Manager for their state to confirm IIS stopped.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wv=$(wine --version 2>/dev/null | tr -c "A-Za-z0-9.~+\n-" "_")
cache=${VAULTKEEPER_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaultkeeper-wine}/$wv
prefix=$cache/prefix
stamp=$( (echo "$wv"; cat "$here/prefix.sh" "$here/bcryptprimitives.def" "$here/dllmain.s") | sha256sum | cut -c1-16)
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

if [ "$(cat "$prefix/.vaultkeeper-stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$prefix"
  exit 0
fi

echo "wine: creating the test prefix $prefix (once per wine version; about a minute)" >&2
rm -rf "$prefix"
mkdir -p "$cache"
wineboot -i >/dev/null 2>&1
wineserver -w

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
x86_64-w64-mingw32-as -o "$build/dllmain.o" "$here/dllmain.s"
x86_64-w64-mingw32-dlltool -d "$here/bcryptprimitives.def" -e "$build/exports.o"
x86_64-w64-mingw32-ld -shared --subsystem windows -e DllMain -o "$build/bcryptprimitives.dll" \
  "$build/exports.o" "$build/dllmain.o"
cp "$build/bcryptprimitives.dll" "$prefix/drive_c/windows/system32/"

for svc in W3SVC WAS; do
  wine sc create "$svc" binpath= 'C:\windows\system32\svchost.exe -k iissvcs' start= demand >/dev/null
done
wineserver -w
echo "$stamp" >"$prefix/.vaultkeeper-stamp"
echo "$prefix"
