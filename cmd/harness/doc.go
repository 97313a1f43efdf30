// Package harness runs the real vaultkeeper agent against altium-sim hosts for the tests
// and benchmarks that need whole binaries: the end-to-end tests of cmd/vaultkeeper, the
// Prometheus end-to-end test of dashboards/, the agent benchmarks, and the Oracle tests
// (through harness/simtest).
//
// Binaries are built once per `go test ./...` run: [BinDir] builds vaultkeeper and
// altium-sim into a cache folder named by a hash of the module's non-test sources, the Go
// version and the target; the first test process to need them builds them under a file
// lock, every other process (the packages go test runs in parallel) waits for that build
// and reuses it. With VAULTKEEPER_TEST_BIN_DIR set, nothing is built: the binaries are taken
// from that folder (vaultkeeper.exe and altium-sim.exe on Windows).
//
// A test creates hosts with [NewHost] (altium-sim init), writes its manifests, and starts
// the agent with [Start]: the agent listens on 127.0.0.1:0 and the harness reads the port
// it was given from the state dir (listen-addr), so parallel tests never race for a port.
//
//	h := harness.NewHost(t, "aes-prod", filepath.Join(dir, "hosts", "aes-prod"), "--files", "30")
//	// … write manifests naming h.Root into dir/repo …
//	a := harness.Start(t, harness.Options{Source: filepath.Join(dir, "repo"), StateDir: filepath.Join(dir, "state")})
//	a.WaitFor("a backup", time.Minute, func() bool { var bs []reconciler.BackupView; a.Get("backups", &bs); return len(bs) > 0 })
//	h.Fault(t, "avbackup:\n  exit: 1\n")   // faults.yaml, replaced atomically
//	a.Request("policy/aes-prod-nightly")     // POST /api/v1/reconcile with the state dir's token
//	_ = a.Plan()                              // GET /api/v1/plan: actions, waiting, blocked
//	_ = h.Verify(t)                           // altium-sim verify: generations, IIS
//	a.Kill()                                  // a crash; Stop() is a graceful SIGTERM
//
// The agent is stopped at the end of the test unless the test stopped, killed or saw it exit
// ([Agent.Exited]); waits fail at once, with the agent's log, if it exits meanwhile.
package harness
