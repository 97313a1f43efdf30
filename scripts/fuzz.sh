#!/usr/bin/env bash
# Runs every Go fuzz target of the module for DURATION each (default 20s), one at a time:
#   scripts/fuzz.sh 30s
# A target is any func FuzzXxx in a *_test.go file; the package is the file's folder.
# Minimization of new inputs is capped (FUZZMINIMIZE, default 5s) so that large seeds do not
# spend the whole budget being minimized.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
minimize="${FUZZMINIMIZE:-5s}"
status=0
while IFS=: read -r file name; do
	pkg="./$(dirname "$file")"
	echo "== $pkg $name ($duration)"
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$duration" -fuzzminimizetime "$minimize" "$pkg"; then
		status=1
	fi
done < <(grep -rhoE --include='*_test.go' -H '^func (Fuzz[A-Za-z0-9_]*)\(' . |
	sed -E 's/^\.\/(.*):func (Fuzz[A-Za-z0-9_]*)\(/\1:\2/' | sort -u)
exit "$status"
