// Package dump runs Oracle's export and import tools (exp/imp and Data Pump's
// expdp/impdp) for one schema, and turns what they did into a typed Outcome.
//
// Credentials reach the tool only through a parameter file: `userid="USER/pw@alias"` in
// a file created 0600 (O_EXCL) inside a private 0700 temporary folder, removed when the
// tool ends; argv holds only `parfile=PATH`. The password is also in toolrun's Mask, so
// a tool echoing it cannot leak it into logs or errors. On Windows the file lives in the
// agent account's own temporary folder, whose ACL admits that account and
// administrators; the POSIX modes are not enforced there.
//
// A parfile line cannot carry every character safely: '#' starts a comment, quotes
// delimit the value, '/' and '@' separate user, password and alias. Passwords holding
// any of " ' # / @ \, whitespace or control characters are therefore rejected with an
// error that names the rule, never the password.
//
// The verdict comes from the tool's log (checks/oralog), combined with the exit status
// (the worse of the two wins) and checked against a warning Policy. Exit statuses are
// Oracle's: exp/imp 0 success, 1 failure, and for "success with warnings" 0 on Unix but
// 3 on Windows (10g and later); Data Pump 0 success, 5 completed with errors, 1 failure.
package dump
