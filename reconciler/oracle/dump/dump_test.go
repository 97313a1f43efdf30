package dump

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParams(t *testing.T) {
	tests := []struct {
		name string
		job  Job
		want string
	}{
		{"exp", Job{Tool: Exp, Schema: "aesuser313", File: `C:\Backups\oracle.dmp`, LogFile: `C:\Backups\oracle-export.log`},
			`file="C:\Backups\oracle.dmp"|log="C:\Backups\oracle-export.log"|owner=AESUSER313|statistics=none|consistent=y`},
		{"exp as of an SCN", Job{Tool: Exp, Schema: "AESUSER313", File: "/b/o.dmp", LogFile: "/b/e.log", FlashbackSCN: 1234567},
			`file="/b/o.dmp"|log="/b/e.log"|owner=AESUSER313|statistics=none|flashback_scn=1234567`},
		{"imp", Job{Tool: Imp, FromUser: "AESUSER313", ToUser: "aesuser314", File: "/b/o.dmp", LogFile: "/b/i.log"},
			`file="/b/o.dmp"|log="/b/i.log"|fromuser=AESUSER313|touser=AESUSER314`},
		{"imp same user", Job{Tool: Imp, FromUser: "AESUSER313", File: "/b/o.dmp", LogFile: "/b/i.log"},
			`file="/b/o.dmp"|log="/b/i.log"|fromuser=AESUSER313|touser=AESUSER313`},
		{"expdp", Job{Tool: Expdp, Schema: "AESUSER313", Directory: "data_pump_dir", File: "oracle.dmp", LogFile: "oracle-export.log"},
			`directory=DATA_PUMP_DIR|dumpfile="oracle.dmp"|logfile="oracle-export.log"|schemas=AESUSER313|flashback_time=systimestamp`},
		{"expdp as of an SCN", Job{Tool: Expdp, Schema: "AESUSER313", Directory: "DP", File: "o.dmp", LogFile: "e.log", FlashbackSCN: 99},
			`directory=DP|dumpfile="o.dmp"|logfile="e.log"|schemas=AESUSER313|flashback_scn=99`},
		{"impdp remaps", Job{Tool: Impdp, FromUser: "ALTIUM", ToUser: "AES2", Directory: "DP", File: "o.dmp", LogFile: "i.log",
			RemapTablespaces: map[string]string{"ALTIUM": "USERS", "IDX": "USERS"}},
			`directory=DP|dumpfile="o.dmp"|logfile="i.log"|schemas=ALTIUM|remap_schema=ALTIUM:AES2|remap_tablespace=ALTIUM:USERS,IDX:USERS`},
	}
	for _, tc := range tests {
		got, err := tc.job.Params()
		if err != nil || strings.Join(got, "|") != tc.want {
			t.Errorf("%s: Params = %q, %v\nwant %s", tc.name, strings.Join(got, "|"), err, tc.want)
		}
	}
	bad := []Job{
		{Tool: Exp, Schema: `x" CASCADE --`, File: "a", LogFile: "b"},
		{Tool: Exp, Schema: "S", File: "a\nuserid=sys/x", LogFile: "b"},
		{Tool: Exp, Schema: "S", File: "a#b", LogFile: "b"},
		{Tool: Expdp, Schema: "S", Directory: "DP", File: "../etc/o.dmp", LogFile: "b"},
		{Tool: Expdp, Schema: "S", File: "o.dmp", LogFile: "b"},
		{Tool: Imp, FromUser: "A", File: "a", LogFile: "b", RemapTablespaces: map[string]string{"X": "Y"}},
		{Tool: Impdp, FromUser: "A", Directory: "DP", File: "a", LogFile: "b", RemapTablespaces: map[string]string{"X": "Y Z"}},
		{Tool: "rman", File: "a", LogFile: "b"},
	}
	for _, j := range bad {
		if got, err := j.Params(); err == nil {
			t.Errorf("Params(%+v) accepted: %q", j, got)
		}
	}
}

func TestUserid(t *testing.T) {
	j := Job{Tool: Exp, User: "aesuser313", Password: "Altium", Alias: "XE"}
	if got, err := j.userid(); err != nil || got != `userid="AESUSER313/Altium@XE"` {
		t.Errorf("userid = %q, %v", got, err)
	}
	for _, pw := range []string{"", `a"b`, "a#b", "a/b", "a@b", "a b", "a\nb", `a\b`, "a'b", "a\x00"} {
		j.Password = pw
		_, err := j.userid()
		if !errors.Is(err, ErrUnsafePassword) {
			t.Errorf("password %q: %v, want ErrUnsafePassword", pw, err)
		}
		if err != nil && pw != "" && strings.Contains(err.Error(), pw) {
			t.Errorf("error leaks the password: %v", err)
		}
	}
	j.Password = "ok"
	j.Alias = "XE@evil"
	if _, err := j.userid(); err == nil {
		t.Error("alias with @ accepted")
	}
}

func TestClassifyExit(t *testing.T) {
	tests := []struct {
		tool    Tool
		code    int
		windows bool
		want    ExitClass
	}{
		{Exp, 0, false, ExitSuccess}, {Exp, 1, false, ExitFailure}, {Exp, 3, false, ExitUnknown},
		{Exp, 3, true, ExitWarnings}, {Imp, 3, true, ExitWarnings}, {Imp, 0, true, ExitSuccess},
		{Expdp, 5, false, ExitCompletedWithErrors}, {Impdp, 5, true, ExitCompletedWithErrors},
		{Expdp, 3, true, ExitUnknown}, {Expdp, 1, false, ExitFailure}, {Imp, -1, false, ExitUnknown},
	}
	for _, tc := range tests {
		if got := ClassifyExit(tc.tool, tc.code, tc.windows); got != tc.want {
			t.Errorf("ClassifyExit(%s, %d, windows=%v) = %v, want %v", tc.tool, tc.code, tc.windows, got, tc.want)
		}
	}
}

func TestParfile(t *testing.T) {
	path, cleanup, err := parfile("", []string{`userid="U/pw@XE"`, "owner=U"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "userid=\"U/pw@XE\"\nowner=U\n" {
		t.Fatalf("parfile = %q, %v", b, err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		di, _ := os.Stat(filepath.Dir(path))
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Errorf("modes file %v dir %v, want 0600/0700", fi.Mode().Perm(), di.Mode().Perm())
		}
	}
	cleanup()
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("parfile folder left behind: %v", err)
	}
}
