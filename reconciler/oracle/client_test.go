package oracle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/sqlgen"
)

// fakeDriver answers statements from a script of results, in order, recording them.
type fakeDriver struct {
	results []error
	rows    map[string][][]string
	log     []string
}

func (f *fakeDriver) Exec(_ context.Context, s sqlgen.Stmt) error {
	f.log = append(f.log, strings.Fields(s.SQL)[0]+" "+strings.Fields(s.SQL)[1])
	if len(f.results) == 0 {
		return nil
	}
	err := f.results[0]
	f.results = f.results[1:]
	return err
}

func (f *fakeDriver) Query(_ context.Context, s sqlgen.Stmt) ([][]string, error) {
	f.log = append(f.log, s.SQL)
	if r, ok := f.rows[s.SQL]; ok {
		return r, nil
	}
	return nil, &OraError{Code: 942, Message: "table or view does not exist"}
}

func (f *fakeDriver) QueryMany(ctx context.Context, ss []sqlgen.Stmt) ([][][]string, error) {
	var out [][][]string
	for _, s := range ss {
		r, err := f.Query(ctx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeDriver) Login(context.Context, string, string, string) error { return nil }
func (f *fakeDriver) Close() error                                        { return nil }

func ora(code int) error { return fmt.Errorf("wrapped: %w", &OraError{Code: code, Message: "x"}) }

func TestDropUserCascade(t *testing.T) {
	tests := []struct {
		name    string
		results []error
		wantLog string
		wantErr int // ORA code expected in the error; -1 any error; 0 none
	}{
		{name: "dropped", results: []error{nil}, wantLog: "DROP USER"},
		{name: "already gone", results: []error{ora(1918)}, wantLog: "DROP USER"},
		{name: "connected then dropped", results: []error{ora(1940), nil, nil, nil},
			wantLog: "DROP USER,ALTER USER,BEGIN FOR,DROP USER"},
		{name: "connected then gone", results: []error{ora(1940), nil, nil, ora(1918)},
			wantLog: "DROP USER,ALTER USER,BEGIN FOR,DROP USER"},
		{name: "stays connected: bounded, unlocked again", results: []error{ora(1940), nil, nil, ora(1940), nil, ora(1940), nil},
			wantLog: "DROP USER,ALTER USER,BEGIN FOR,DROP USER,BEGIN FOR,DROP USER,ALTER USER", wantErr: 1940},
		{name: "other error", results: []error{ora(1031)}, wantLog: "DROP USER", wantErr: 1031},
		{name: "kill fails", results: []error{ora(1940), nil, ora(1031), nil},
			wantLog: "DROP USER,ALTER USER,BEGIN FOR,ALTER USER", wantErr: 1031},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeDriver{results: tc.results}
			c := New(f, Options{DropAttempts: 3, DropBackoff: -1})
			err := c.DropUserCascade(context.Background(), "aesuser313")
			if got := strings.Join(f.log, ","); got != tc.wantLog {
				t.Errorf("statements = %s, want %s", got, tc.wantLog)
			}
			switch {
			case tc.wantErr == 0 && err != nil:
				t.Errorf("error = %v", err)
			case tc.wantErr != 0 && Code(err) != tc.wantErr:
				t.Errorf("error = %v, want ORA-%05d", err, tc.wantErr)
			}
		})
	}
	if err := New(&fakeDriver{}, Options{}).DropUserCascade(context.Background(), `x" CASCADE; DROP USER SYS --`); !errors.Is(err, sqlgen.ErrInvalidIdentifier) {
		t.Errorf("injection accepted: %v", err)
	}
}

func TestCounts(t *testing.T) {
	obj, _ := sqlgen.ObjectCounts("S")
	list, _ := sqlgen.ListTables("S")
	c1, _ := sqlgen.CountRows("S", "A")
	c2, _ := sqlgen.CountRows("S", "b c")
	f := &fakeDriver{rows: map[string][][]string{
		obj.SQL:  {{"INDEX", " 4"}, {"TABLE", "2"}},
		list.SQL: {{"A"}, {"b c"}},
		c1.SQL:   {{"10"}},
		c2.SQL:   {{"12345678901"}},
	}}
	c := New(f, Options{})
	objs, err := c.ObjectCounts(context.Background(), "s")
	if err != nil || fmt.Sprint(objs) != "map[INDEX:4 TABLE:2]" {
		t.Errorf("ObjectCounts = %v, %v", objs, err)
	}
	rows, err := c.RowCounts(context.Background(), "s")
	if err != nil || fmt.Sprint(rows) != "map[A:10 b c:12345678901]" {
		t.Errorf("RowCounts = %v, %v", rows, err)
	}
	if _, err := c.RowCounts(context.Background(), "OTHER"); Code(err) != 942 {
		t.Errorf("RowCounts of a missing dictionary answer = %v", err)
	}
}

func TestParseOraError(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"ERROR at line 1:\nORA-01918: user 'X' does not exist\n", "ORA-01918: user 'X' does not exist"},
		{"ERROR:\nORA-01017: invalid username/password; logon denied\n\n", "ORA-01017: invalid username/password; logon denied"},
		{"SP2-0640: Not connected", "<nil>"},
		{"", "<nil>"},
	}
	for _, tc := range tests {
		got := ParseOraError(tc.in)
		s := "<nil>"
		if got != nil {
			s = got.Error()
		}
		if s != tc.want {
			t.Errorf("ParseOraError(%q) = %s, want %s", tc.in, s, tc.want)
		}
	}
}
