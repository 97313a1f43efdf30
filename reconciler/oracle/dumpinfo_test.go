package oracle

import (
	"strings"
	"testing"
)

func TestParseDumpfileInfo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rows    [][]string
		want    int
		items   map[int]string
		wantErr string
		check   string // "" passes CheckDataPump, else the error mentions it
	}{
		{name: "data pump", rows: [][]string{{"FILETYPE", "1"}, {"1", "5.1"}, {"8", "SYS_EXPORT_SCHEMA_01"}, {"9", "x86_64/Linux 2.4.xx"}},
			want: 1, items: map[int]string{1: "5.1", 8: "SYS_EXPORT_SCHEMA_01", 9: "x86_64/Linux 2.4.xx"}},
		{name: "a value holding the separator", rows: [][]string{{"FILETYPE", "1"}, {"8", "A", "B"}}, want: 1, items: map[int]string{8: "A|B"}},
		{name: "classic", rows: [][]string{{"FILETYPE", "2"}}, want: 2, items: map[int]string{}, check: "classic export file (file type 2)"},
		{name: "unknown", rows: [][]string{{"FILETYPE", "0"}}, want: 0, items: map[int]string{}, check: "unknown file type (file type 0)"},
		{name: "no file type", rows: [][]string{{"1", "5.1"}}, wantErr: "no file type"},
		{name: "garbage", rows: [][]string{{"FILETYPE", "one"}}, wantErr: "file type"},
		{name: "bad item code", rows: [][]string{{"FILETYPE", "1"}, {"x", "y"}}, wantErr: "item code"},
		{name: "one cell", rows: [][]string{{"FILETYPE"}}, wantErr: "unexpected line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := parseDumpfileInfo("f.dmp", tc.rows)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.FileType != tc.want || len(info.Items) != len(tc.items) {
				t.Fatalf("got %+v", info)
			}
			for k, v := range tc.items {
				if info.Items[k] != v {
					t.Errorf("item %d = %q, want %q", k, info.Items[k], v)
				}
			}
			err = info.CheckDataPump()
			if tc.check == "" && err != nil || tc.check != "" && (err == nil || !strings.Contains(err.Error(), tc.check) || !strings.Contains(err.Error(), "f.dmp")) {
				t.Errorf("CheckDataPump = %v, want %q", err, tc.check)
			}
		})
	}
}
