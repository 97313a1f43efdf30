// Package cronspec parses a BackupPolicy's five cron fields with the day rules of cron(8)
// (Vixie cron and its descendants, cronie and ISC cron), on top of robfig/cron's parser:
//
//   - Day of week 0-7, where both 0 and 7 are Sunday (cronie's entry.c: "make sundays
//     equivalent"); names sun-sat; lists, ranges and steps, so "5-7" is Friday to Sunday.
//   - Day of month and day of week: when either field starts with "*" (including a stepped
//     "*/2"), a day must match both fields; when neither does, a day matching either one fires
//     (crontab(5): "If both fields are restricted (i.e., do not contain the "*" character),
//     the command will be run when either field matches"; cronie's cron.c tests DOM_STAR and
//     DOW_STAR, set when the field's first character is "*"). robfig/cron alone ORs "*/2" with a
//     day of week, because it treats a stepped "*" as restricted; here "0 2 */2 * 1" fires on
//     Mondays that fall on odd days of the month, as cron(8) does.
//
// The manifest validation and the scheduler both parse through Parse, so a schedule means the
// same in `vaultkeeper validate` and in the agent.
package cronspec
