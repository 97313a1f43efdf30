// Package host drives the Windows side of an Altium install: IIS (stopped and started with
// the server's argv, `net stop WAS /y` / `net start W3SVC` by default), avbackup (backup and
// restore of the file storage), and the free space of a destination. Every call runs through
// toolrun with its own timeout and streams the tool's output into the run log.
package host
