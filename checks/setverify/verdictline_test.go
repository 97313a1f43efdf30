package setverify

import "testing"

func TestClassifyLogLine(t *testing.T) {
	tests := []struct {
		line      string
		found, ok bool
		tool      string
	}{
		{"Export terminated successfully without warnings.", true, true, "exp"},
		{"Export terminated successfully with warnings.", true, true, "exp"},
		{"EXP-00000: Export terminated unsuccessfully", true, false, "exp"},
		{`Job "SEC"."SYS_EXPORT_SCHEMA_01" successfully completed at 10:29:20`, true, true, "expdp"},
		{`02-MAY-25 14:34:13.660: Job "HR"."SYS_EXPORT_SCHEMA_01" successfully completed at Fri May 2 14:34:13 2025 elapsed 0 00:00:10`, true, true, "expdp"},
		{`Job "HR"."SYS_EXPORT_SCHEMA_01" completed with 4 error(s) at Thu Mar 17 11:18:17 2022 elapsed 0 00:00:34`, true, false, "expdp"},
		{`Job "HR"."SYS_EXPORT_SCHEMA_01" stopped due to fatal error at Mon Apr 12 11:37:46 2021 elapsed 0 00:00:12`, true, false, "expdp"},
		{". . exporting table DEPT 4 rows exported", false, false, ""},
		{"Import terminated successfully without warnings.", false, false, ""},
	}
	for _, tc := range tests {
		v, found := ClassifyLogLine(tc.line)
		if found != tc.found || v.OK != tc.ok || v.Tool != tc.tool {
			t.Errorf("ClassifyLogLine(%q) = %+v, %v; want found=%v ok=%v tool=%q", tc.line, v, found, tc.found, tc.ok, tc.tool)
		}
	}
}
