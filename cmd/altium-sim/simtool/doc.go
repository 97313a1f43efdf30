// Package simtool is what every simulated tool receives from the dispatcher: the host,
// the standard streams, and the fault injected into this call.
package simtool
