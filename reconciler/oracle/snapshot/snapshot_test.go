package snapshot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/checks/oralog"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

type fakeCounter struct {
	objs     map[string]int
	rows     map[string]int64
	err      error
	rowCalls int
}

func (f *fakeCounter) ObjectCounts(context.Context, string) (map[string]int, error) {
	return f.objs, f.err
}
func (f *fakeCounter) SchemaTablespaces(context.Context, string) ([]string, error) {
	return []string{"ALTIUM_LOB", "USERS"}, f.err
}
func (f *fakeCounter) InvalidCount(context.Context, string) (int, error) { return 2, f.err }
func (f *fakeCounter) DefaultTablespace(context.Context, string) (string, error) {
	return "ALTIUM", f.err
}
func (f *fakeCounter) RowCounts(context.Context, string) (map[string]int64, error) {
	f.rowCalls++
	return f.rows, f.err
}

func TestRecord(t *testing.T) {
	objs := map[string]int{"TABLE": 2, "INDEX": 4}
	logRows := map[string]int64{"A": 1, "B": 2}
	tests := []struct {
		name     string
		c        *fakeCounter
		out      dump.Outcome
		wantRows string
		rowCalls int
		wantErr  bool
	}{
		{"rows from the log", &fakeCounter{objs: objs}, dump.Outcome{Log: oralog.Result{Rows: logRows}, Warnings: []string{"EXP-00091"}}, "map[A:1 B:2]", 0, false},
		{"rows counted when the log has none", &fakeCounter{objs: objs, rows: map[string]int64{"A": 5, "B": 6}}, dump.Outcome{}, "map[A:5 B:6]", 1, false},
		{"table count mismatch", &fakeCounter{objs: map[string]int{"TABLE": 3}}, dump.Outcome{Log: oralog.Result{Rows: logRows}}, "", 0, true},
		{"admin fails", &fakeCounter{err: &oracle.OraError{Code: 1031, Message: "insufficient privileges"}}, dump.Outcome{}, "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			meta, err := Record(context.Background(), tc.c, "aesuser313", tc.out)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Record error = %v", err)
			}
			if tc.wantErr {
				return
			}
			if meta.Schema != "AESUSER313" || fmt.Sprint(meta.Rows) != tc.wantRows || fmt.Sprint(meta.Objects) != "map[INDEX:4 TABLE:2]" ||
				fmt.Sprint(meta.Tablespaces) != "[ALTIUM_LOB USERS]" || meta.InvalidObjects == nil || *meta.InvalidObjects != 2 || meta.DefaultTablespace != "ALTIUM" ||
				tc.c.rowCalls != tc.rowCalls || fmt.Sprint(meta.Warnings) != fmt.Sprint(tc.out.Warnings) {
				t.Errorf("meta = %+v (row calls %d)", meta, tc.c.rowCalls)
			}
		})
	}
	_, err := Record(context.Background(), &fakeCounter{err: &oracle.OraError{Code: 1031}}, "S", dump.Outcome{})
	if oracle.Code(err) != 1031 || !errors.As(err, new(*oracle.OraError)) {
		t.Errorf("error not wrapped: %v", err)
	}
}

func TestCompare(t *testing.T) {
	want := catalog.OracleMeta{Schema: "S", Objects: map[string]int{"TABLE": 2, "INDEX": 3}, Rows: map[string]int64{"A": 10, "B": 0}}
	tests := []struct {
		name string
		objs map[string]int
		rows map[string]int64
		want string
	}{
		{"same", map[string]int{"TABLE": 2, "INDEX": 3}, map[string]int64{"A": 10, "B": 0}, ""},
		{"missing index and rows", map[string]int{"TABLE": 2, "INDEX": 2, "VIEW": 1}, map[string]int64{"A": 9},
			"S: 2 objects of type INDEX, the backup had 3|S: 1 objects of type VIEW, the backup had none|S.A: 9 rows, the backup had 10|S.B: table missing (the backup had 0 rows)"},
		{"rows not checked", map[string]int{"TABLE": 2, "INDEX": 3}, nil, ""},
	}
	for _, tc := range tests {
		if got := strings.Join(Compare(want, tc.objs, tc.rows), "|"); got != tc.want {
			t.Errorf("%s: Compare = %q, want %q", tc.name, got, tc.want)
		}
	}
}
