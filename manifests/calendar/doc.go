// Package calendar holds restic's calendar duration, the unit of keepWithin and of the
// --keep-within* flags: years, months, days and hours written as "1y2m3d4h".
//
// The syntax is restic's (internal/data/duration.go): each part is a whole number followed
// by y (years), m (months), d (days) or h (hours), in any order. "m" is months, as in
// restic, so a Go duration such as "90m" or "1h30m" does not mean minutes here; minutes and
// seconds cannot be written at all, and Parse says so instead of guessing. Two stricter
// rules than restic's, both for an admin's sake: a unit may appear only once (restic keeps
// the last silently), and negative or out-of-range numbers are errors (restic's forget
// refuses negatives too, and panics on numbers that overflow).
//
// Before subtracts a Duration as restic's forget does: calendar years, months and days
// with time.AddDate on the wall clock of the reference time's zone offset (so 1m back from
// 31 March is 3 March, AddDate's normalisation), then whole hours of elapsed time.
package calendar
