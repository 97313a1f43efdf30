// Package goora is the go-ora (database/sql) Driver for oracle.Client: an administrative
// account connects by a tnsnames.ora descriptor (go_ora.BuildJDBC) or by host, port and
// service (go_ora.BuildUrl). go-ora reads no tnsnames.ora itself.
//
// Every call runs under its context; go-ora's own socket timeout (URL option TIMEOUT, in
// seconds, which sets read/write deadlines and the dial timeout) is set above the call
// timeout so a long statement is ended by the context, not cut by the socket.
package goora
