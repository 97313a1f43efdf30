package dumpfile

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

func sample(t *testing.T, kind Kind) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := NewWriter(&b, kind, "AESUSER313")
	if err != nil {
		t.Fatal(err)
	}
	s := Schema{Owner: "AESUSER313", Tablespace: "USERS", Generation: 5, Objects: map[string]int{"INDEX": 4},
		Tables: []simdb.Table{{Name: "DEPT", Tablespace: "USERS", Rows: 4}, {Name: "EMP", Tablespace: "USERS", Rows: 14}}}
	w.BeginSchema(s)
	for _, tb := range s.Tables {
		w.Table(tb, s.Generation)
	}
	w.EndSchema(s.Owner)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(raw []byte) (Kind, []simdb.Table, error) {
	br := bufio.NewReader(bytes.NewReader(raw))
	kind, _, err := Header(br)
	if err != nil {
		return 0, nil, err
	}
	var tables []simdb.Table
	err = Read(br, Visitor{Table: func(_ string, t simdb.Table) error { tables = append(tables, t); return nil }})
	return kind, tables, err
}

func TestRead(t *testing.T) {
	good := sample(t, Classic)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x20
	tests := []struct {
		name   string
		raw    []byte
		want   error
		tables int
	}{
		{"classic", good, nil, 2},
		{"datapump", sample(t, DataPump), nil, 2},
		{"truncated in rows", good[:len(good)/2], ErrTruncated, 1},
		{"truncated before trailer", good[:len(good)-5], ErrTruncated, 2},
		{"trailer cut to one EXIT", good[:len(good)-5], ErrTruncated, 2},
		{"flipped byte", flipped, ErrCorrupt, -1},
		{"not a dump", []byte("PK\x03\x04hello"), ErrHeader, 0},
		{"empty", nil, ErrHeader, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, tables, err := read(tc.raw)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tc.tables >= 0 && len(tables) != tc.tables {
				t.Fatalf("tables read = %d, want %d", len(tables), tc.tables)
			}
		})
	}
	if good[0] != 0x03 || good[1] != 0x00 || good[2] != 0xB2 || string(good[3:19]) != "EXPORT:V19.00.00" {
		t.Fatalf("classic header = %q", good[:19])
	}
}
