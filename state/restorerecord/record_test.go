package restorerecord

import (
	"os"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 7, 40, 0, 0, time.UTC)

func entry(run, restore, hash, set string) Entry {
	return Entry{Run: run, Restore: restore, SpecHash: hash, Set: set, Policy: "aes-prod-nightly", SourceAgent: "prod", Agent: "staging", Time: t0}
}

// begin and complete write events and fail the test on error.
func begin(t *testing.T, dir string, e Entry) Entry {
	t.Helper()
	b, err := Begin(dir, e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func complete(t *testing.T, dir string, b Entry) {
	t.Helper()
	if err := Complete(dir, b, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir string) *Record {
	t.Helper()
	r, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func appendRaw(t *testing.T, dir, s string) {
	t.Helper()
	f, err := os.OpenFile(Path(dir), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, dir string)
		kind  Kind
		set   string // Entry.Set of the answer, "" for none
		why   string // in Reason
	}{
		{"no file", func(*testing.T, string) {}, NeverApplied, "", ""},
		{"completed", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
		}, Applied, "20261121T020000Z", ""},
		{"standing restore: the newest completed set", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
			complete(t, d, begin(t, d, entry("r2", "refresh", "h1", "20261128T020000Z")))
		}, Applied, "20261128T020000Z", ""},
		{"begun, never completed", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
			begin(t, d, entry("r2", "refresh", "h1", "20261128T020000Z"))
		}, Incomplete, "20261128T020000Z", "never completed"},
		{"a later restore completed over a crashed one", func(t *testing.T, d string) {
			begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z"))
			complete(t, d, begin(t, d, entry("r2", "refresh", "h1", "20261128T020000Z")))
		}, Applied, "20261128T020000Z", ""},
		{"another spec holds the target", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
			complete(t, d, begin(t, d, entry("r2", "other", "h9", "20261128T020000Z")))
		}, NeverApplied, "20261128T020000Z", ""},
		{"a spec change", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h0", "20261121T020000Z")))
		}, NeverApplied, "20261121T020000Z", ""},
		{"completed event torn by a crash", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
			begin(t, d, entry("r2", "refresh", "h1", "20261128T020000Z"))
			appendRaw(t, d, `{"entry":{"event":"completed","run":"r2","rest`)
		}, Incomplete, "20261128T020000Z", "never completed"},
		{"damaged line after the last completed", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
			appendRaw(t, d, "garbage\n")
		}, Incomplete, "20261121T020000Z", "line 3 is damaged"},
		{"edited line: checksum mismatch", func(t *testing.T, d string) {
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
			b, _ := os.ReadFile(Path(d))
			os.WriteFile(Path(d), []byte(strings.Replace(string(b), "20261121T020000Z", "20261122T020000Z", 1)), 0o644)
		}, Incomplete, "", "checksum mismatch"}, // the begun line was edited: its completion proves nothing
		{"damaged line before a later completed restore is history", func(t *testing.T, d string) {
			appendRaw(t, d, "garbage\n")
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
		}, Applied, "20261121T020000Z", ""},
		{"append after a torn line starts a new line", func(t *testing.T, d string) {
			appendRaw(t, d, `{"entry":{"ev`)
			complete(t, d, begin(t, d, entry("r1", "refresh", "h1", "20261121T020000Z")))
		}, Applied, "20261121T020000Z", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.write(t, dir)
			st := read(t, dir).Lookup("refresh", "h1")
			if st.Kind != tc.kind {
				t.Fatalf("Kind = %v (%s), want %v", st.Kind, st.Reason, tc.kind)
			}
			got := ""
			if st.Entry != nil {
				got = st.Entry.Set
			}
			if got != tc.set {
				t.Errorf("Entry.Set = %q, want %q", got, tc.set)
			}
			if !strings.Contains(st.Reason, tc.why) || (tc.why != "" && !strings.Contains(st.Reason, Path(dir))) {
				t.Errorf("Reason = %q, want it to name %s and say %q", st.Reason, Path(dir), tc.why)
			}
		})
	}
}

func TestReadReportsDamagedLines(t *testing.T) {
	dir := t.TempDir()
	complete(t, dir, begin(t, dir, entry("r1", "refresh", "h1", "20261121T020000Z")))
	appendRaw(t, dir, `{"entry":{"event":"begun"},"sha256":"00"}`+"\n"+`{"entry":`)
	r := read(t, dir)
	if len(r.Entries) != 2 || len(r.Damaged) != 2 {
		t.Fatalf("entries %d, damaged %+v; want 2 and 2", len(r.Entries), r.Damaged)
	}
	if d := r.Damaged[1]; d.Line != 4 || !strings.Contains(d.Reason, "torn") {
		t.Errorf("last damaged = %+v, want line 4 torn", d)
	}
	if e := r.Entries[1]; e.Event != Completed || e.Run != "r1" || e.SourceAgent != "prod" || !e.Time.Equal(t0.Add(time.Hour)) {
		t.Errorf("completed entry = %+v", e)
	}
}

func TestWriteRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := Begin(dir, Entry{Run: "r1", Restore: "refresh", SpecHash: "h1", Agent: "a"}); err == nil || !strings.Contains(err.Error(), "no set") {
		t.Errorf("Begin without a set = %v, want an error naming the field", err)
	}
	if err := Complete(dir, entry("r1", "refresh", "h1", "20261121T020000Z"), t0); err == nil {
		t.Error("Complete of an entry that is not a begun event succeeded")
	}
	if _, err := Begin(dir+"/missing", entry("r1", "refresh", "h1", "20261121T020000Z")); err == nil || !strings.Contains(err.Error(), FileName) {
		t.Errorf("Begin in a missing install dir = %v, want an error naming the record", err)
	}
	if _, err := os.Stat(Path(dir)); err == nil {
		t.Error("a refused event created the record")
	}
}

func TestDecide(t *testing.T) {
	applied := &Entry{Event: Completed, Restore: "refresh", SpecHash: "h1", Set: "20261121T020000Z", Time: t0}
	other := &Entry{Event: Completed, Restore: "old", SpecHash: "h0", Set: "20261101T020000Z", Time: t0}
	for _, tc := range []struct {
		name string
		in   Input
		want Verdict
		why  string
	}{
		{"new", Input{Record: Status{Kind: NeverApplied}}, Run, "never applied"},
		{"applied, state agrees", Input{StateApplied: true, Record: Status{Kind: Applied, Entry: applied}}, Done, "20261121T020000Z"},
		{"applied, empty state dir", Input{Record: Status{Kind: Applied, Entry: applied}}, Done, "20261121T020000Z"},
		{"state says applied, record has no trace", Input{StateApplied: true, Record: Status{Kind: NeverApplied}}, Held, "no trace"},
		{"state says applied, record holds another", Input{StateApplied: true, Record: Status{Kind: NeverApplied, Entry: other}}, Held, "Restore old"},
		{"incomplete", Input{Record: Status{Kind: Incomplete, Reason: "began and never completed"}}, Held, "never completed"},
		{"incomplete, state says applied", Input{StateApplied: true, Record: Status{Kind: Incomplete, Reason: "began and never completed"}}, Held, "never completed"},
		{"incomplete, asked explicitly", Input{Requested: true, Record: Status{Kind: Incomplete}}, Run, "reconcile restore/refresh"},
		{"held, asked explicitly", Input{Requested: true, StateApplied: true, Record: Status{Kind: NeverApplied}}, Run, "reconcile restore/refresh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Restore, tc.in.SpecHash = "refresh", "h1"
			d := Decide(tc.in)
			if d.Verdict != tc.want {
				t.Fatalf("Verdict = %v (%s), want %v", d.Verdict, d.Reason, tc.want)
			}
			if !strings.Contains(d.Reason, tc.why) {
				t.Errorf("Reason = %q, want %q in it", d.Reason, tc.why)
			}
			if d.Verdict == Held && !strings.Contains(d.Confirm, "vaultkeeper reconcile restore/refresh") {
				t.Errorf("Confirm = %q, want the command that lets it run", d.Confirm)
			}
			if (d.Verdict == Done) != (d.Applied != nil) {
				t.Errorf("Applied = %+v with verdict %v", d.Applied, d.Verdict)
			}
		})
	}
}
