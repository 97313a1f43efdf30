// Package schedule decides when a BackupPolicy's backup runs: a 5-field cron expression and a
// daily maintenance window, both read on the wall clock of the policy's time zone. It holds
// pure functions only: no goroutines and no clock reads; the reconcile loop passes "now".
//
// # Fire times
//
// The cron expression (minute hour day-of-month month day-of-week) is parsed by package
// manifests/cronspec, robfig/cron's parser with cron(8)'s day rules, and is evaluated on the
// wall clock of the time zone. Exactly five fields are accepted: no descriptors (@daily,
// @every) and no TZ= prefix, so that the zone comes from timeZone alone.
//
// Days, decided like cron(8) (Vixie cron, cronie), not like robfig/cron alone:
//   - Day of week 0-7: 0 and 7 are both Sunday ("0 3 * * 7", "5-7", "fri-sun").
//   - When the day of month or the day of week starts with "*", a day must match both; when
//     both are restricted, a day matching either fires ("0 3 1,15 * 5" runs on the 1st, the
//     15th and every Friday). A stepped "*" counts as "*": "0 3 */2 * 1" runs on Mondays
//     that are odd days of the month, where robfig alone would run on every odd day and every
//     Monday.
//
// Daylight saving time, decided like Vixie/ISC cron and not like robfig/cron's own Next:
//   - Clocks go forward (Europe/Zurich 02:00 → 03:00): a fire time that falls in the skipped
//     hour fires once, at the transition (a daily 02:30 runs at 03:00 CEST that day). robfig
//     skips it, which would lose that day's backup and trip the maxAge alert. Several fire
//     times in the gap (an every-minute schedule) collapse into that one instant.
//   - Clocks go back (03:00 → 02:00): a wall time that occurs twice fires only at its first
//     occurrence (a daily 02:30 runs at 02:30 CEST, not again at 02:30 CET; robfig fires
//     twice). ISC cron still runs wildcard-hour jobs in the repeated hour; here the repeated
//     hour has no fire time of its own, so "30 * * * *" runs at 02:30 CEST and next at
//     03:30 CET, two hours later.
//
// # Windows
//
// A window opens every day at Start after local midnight and closes Length later on the wall
// clock (01:00 + 4h closes at 05:00 local also on DST days, when that is 3 or 5 real hours).
// Windows are half-open, [open, close), may cross midnight (23:00 + 4h), and a window of 24h
// is always open. A window boundary in a skipped hour moves to the transition and a repeated
// one takes its first occurrence, as fire times do; a window lying wholly in the skipped hour
// does not exist that day. Without a window (Length 0) any time is allowed.
//
// # Due
//
// Due(lastAttempt, now) looks at the fire times after lastAttempt up to now. With none, it
// waits for the next fire time. Otherwise only the latest one, s, counts: after downtime with
// several missed fire times there is one catch-up run, never a burst. The run for s belongs
// to the window containing s, or, when s is outside every window, to the next one to open
// ("its window"):
//   - before its window opens: wait for it;
//   - inside its window: run now (a fire time at 06:00 with a 01:00–05:00 window runs at 01:00
//     the next day);
//   - after its window closed (the agent was down or busy): s was missed. If the next fire
//     time falls before the end of the next window, that fire time runs instead and s is
//     dropped (a daily 02:00 with window 01:00–05:00 whose agent comes back at 01:30 runs once
//     at 02:00, not at 01:30 and again at 02:00). Otherwise s runs once, as a catch-up, in
//     the next window (a weekly run missed on Sunday runs on Monday's window).
//
// A catch-up satisfies only the fire times up to it: with "0 2,6 * * *" and a 01:00–05:00
// window the 06:00 fire runs at 01:00 the next day and that day's 02:00 fire, being a new
// fire time after lastAttempt, runs again at 02:00. That is correct: the policy asked for two
// backups a day.
//
// lastAttempt is when the last run attempt started, successful or not; zero means never, in
// which case the latest fire time before now (looking back at most five years) counts as
// missed, so a new policy gets its first backup in the next suitable window. A failed attempt
// is not retried by Due; retries and their backoff are the loop's (package outcome), which
// must still check InWindow and WindowEnd before it stops IIS. suspend is the caller's too.
//
// # Time zones
//
// An empty timeZone means UTC. "Local" is refused: the result would depend on the host. The
// package embeds time/tzdata because Windows hosts have no zoneinfo database of their own.
package schedule
