# vaultkeeper: `make test` is what CI runs (.ci/run) and what the README tells you to run.
GO        ?= go
PKGS      := ./...
# -p 4: four test binaries at once on 2 cores. The end-to-end, Prometheus, git and restic
# tests spend much of their time waiting on other processes and timers; overlapping them cut
# the wall time of those packages by a quarter (docs/BENCHMARKS.md).
TESTFLAGS ?= -race -count=1 -timeout 30m -p 4
FUZZTIME  ?= 20s

.PHONY: test deps fmt-check vet unit windows wine build fuzz bench crash soak schema

test: deps fmt-check vet unit windows wine

deps:
	@scripts/install-deps.sh

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test $(TESTFLAGS) $(PKGS)

windows:
	GOOS=windows GOARCH=amd64 $(GO) build $(PKGS)

# The Windows build under Wine (issue 18, README "Windows"): every package's Windows test
# binary, vaultkeeper.exe demo --once in a folder with a space, the e2e subset (backup,
# restore, tool timeout, crash recovery, service lifecycle). Tests it cannot run are listed in
# scripts/wine/not-under-wine.txt and printed. The Wine prefix is cached under
# $$VAULTKEEPER_WINE_CACHE (default ~/.cache/vaultkeeper-wine).
wine: deps
	@scripts/wine-test.sh

build:
	$(GO) build -o bin/ ./cmd/...

# Regenerates manifests/schema/vaultkeeper.schema.json from the Go types.
schema:
	$(GO) test ./manifests/ -run TestSchemaUpToDate -update

fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

bench:
	@scripts/bench.sh

# The whole crash and fault matrix (docs/CRASH-MATRIX.md): every runbook step killed with
# SIGKILL, every tool failing, hanging and printing garbage. make test runs a fast subset.
# The table of results is printed at the end (VAULTKEEPER_MATRIX_REPORT).
CRASH_REPORT ?= $(CURDIR)/.crash-matrix
crash:
	@rm -f $(CRASH_REPORT)-*; \
	VAULTKEEPER_FULL_MATRIX=1 VAULTKEEPER_MATRIX_REPORT=$(CRASH_REPORT) $(GO) test -count=1 -timeout 30m \
		-run 'TestE2ECrash|TestE2EFault|TestE2ENetStop|TestE2EKnownGap|TestE2EGitRemote|TestE2EReadOnly' ./cmd/vaultkeeper/; rc=$$?; \
	for t in crash fault; do echo; echo "$$t matrix:"; sort $(CRASH_REPORT)-$$t 2>/dev/null; done; \
	rm -f $(CRASH_REPORT)-*; exit $$rc

# Long runs kept out of make test: the simulated month (reconciler/month_test.go runs nine
# days in make test and the whole month here, with -race).
soak:
	VAULTKEEPER_SOAK=1 $(GO) test -race -count=1 -timeout 30m -run 'TestSimulatedMonth' -v ./reconciler/
