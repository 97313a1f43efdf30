// Package guard wires issue 14's restore-side guards into the loop without the reconciler
// root importing each of them: the target's restore record (state/restorerecord), read
// for the planner, and the per-server lease (state/lease), held for every runbook with a
// heartbeat and released afterwards.
package guard
