package setverify

import (
	"fmt"
	"os"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
)

// checkLog classifies the export log with checks/oralog (the same reading the
// backup run made) and holds it to the record: the verdict must not be a failure, every
// code in the log must be one of the warnings vaultkeeper.json says the policy let pass,
// and the log must come from the set's dump tool.
func checkLog(path, tool string, allowed []string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	res, err := oralog.Parse(f)
	if err != nil {
		return []string{err.Error()}
	}
	if res.Final == "" {
		return []string{"no final verdict (log truncated?): " + res.Reason}
	}
	if _, err := (oralog.Policy{Accept: allowed}).Check(res, tool); err != nil {
		return []string{"export failed: " + err.Error()}
	}
	logTool := "exp"
	if strings.HasPrefix(res.Final, "Job ") {
		logTool = "expdp"
	}
	if tool != "" && logTool != tool {
		return []string{fmt.Sprintf("log is from %s, the set's dump tool is %s", logTool, tool)}
	}
	return nil
}
