// Package runbook runs an ordered list of small steps with one signature, the way the
// vendor's procedures are written: each step is journaled before it starts (so an agent
// that dies finds out on restart which step it died in), has its own timeout, and records
// its duration; the first error stops the list. Deferred steps (start IIS, revoke DBA)
// registered while the runbook runs always execute at the end, in reverse order, also after
// a failure, a timeout, a cancellation or a panic, under a context of their own.
//
// The runbook logs one line when a step starts and one when it ends (operation=, step=,
// duration; ERROR for a failure, INFO "step waiting" for a step whose error is an
// outcome.WaitingError, which is journaled as waiting, not failed) and marks both in the
// run's log file (Details) between the tools' output.
//
// Each runbook defines its steps once, as a list of Def (backup.Steps, restore.Steps): the
// step's name (journal, logs, the step label of the step metrics), whether it is
// destructive, the recovery it leaves owed, its words for `vaultkeeper plan`, its timeout
// and its work. The plan's words, the declared step metrics, crash recovery and the
// restore's destructive guard are all derived from these lists, and a test
// (reconciler/plan_run_test.go) holds the plan to what the agent then runs.
//
// Adding a step therefore touches:
//  1. the runbook's Steps list (reconciler/backup/backup.go or reconciler/restore/restore.go):
//     one Def with its words and its work;
//  2. when the step needs a tool call the host does not offer yet, the adapter
//     (reconciler/host/oracle.go or another file of reconciler/host) and the interface in
//     the runbook's file;
//  3. then also the in-process fake of that adapter (reconciler/fakehost_test.go; the
//     restore package's own test fake when the restore.Admin interface grows).
//
// Nothing else: the plan, the metrics, recovery (when the step uses an existing Recovery
// obligation) and the journal follow. A step that needs a new kind of recovery adds a
// Recovery constant here and its handling in reconciler/recover.go. The e2e crash matrix
// (cmd/vaultkeeper/e2e_matrix_test.go) still lists its rows by hand.
package runbook
