package dump

// ExitClass is what an exit status says on its own.
type ExitClass int

// Exit classes.
const (
	ExitSuccess             ExitClass = iota // 0
	ExitWarnings                             // exp/imp on Windows: 3
	ExitCompletedWithErrors                  // Data Pump: 5
	ExitFailure                              // 1
	ExitUnknown                              // anything else, or killed
)

func (c ExitClass) String() string {
	return [...]string{"success", "success with warnings", "completed with errors", "failure", "unknown"}[c]
}

// ClassifyExit maps tool's exit code on the given OS. Unix exp/imp say 0 for "success
// with warnings" too, which is why the log decides.
func ClassifyExit(tool Tool, code int, windows bool) ExitClass {
	switch {
	case code == 0:
		return ExitSuccess
	case code == 1:
		return ExitFailure
	case tool.DataPump() && code == 5:
		return ExitCompletedWithErrors
	case !tool.DataPump() && windows && code == 3:
		return ExitWarnings
	}
	return ExitUnknown
}

// AllowPrecreatedUser is the code a Data Pump import reports when the restore runbook
// created the target user before importing (the seeds' order): "ORA-31684: Object type
// USER:… already exists". oralog.DefaultAccepted holds it.
const AllowPrecreatedUser = "ORA-31684"
