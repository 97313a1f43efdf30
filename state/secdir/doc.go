// Package secdir keeps the agent's state dir private. The agent runs as LocalSystem (or
// root) and reads what it finds there (the API token, journals, git checkouts): anybody able
// to write into it could make the agent act.
//
// On Windows the state dir and every file and folder in it get an explicit, protected DACL
// (inheritance from %ProgramData% off) granting full control to SYSTEM, Administrators and
// the agent's own account, and nobody else; new files inherit it from the state dir. Where
// ACLs cannot be set (FAT, Wine without ACL support) Prepare warns and the agent goes on.
// Elsewhere folders are 0700 and files 0600, and Prepare refuses a state dir that others
// can write (group or world write bit, or another owner), saying how to fix it. Parents of
// the state dir are not checked: that is the system's business.
package secdir
