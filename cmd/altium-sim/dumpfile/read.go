package dumpfile

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// Visitor receives a dump's content as it is read and checked.
type Visitor struct {
	Schema    func(s Schema) error                    // schema header (Tables empty)
	Table     func(owner string, t simdb.Table) error // after the table's rows checked
	EndSchema func(owner string) error
}

// Header reads and checks the header, returning the kind and the exporting user.
func Header(br *bufio.Reader) (Kind, string, error) {
	first, err := br.Peek(1)
	if err != nil {
		return 0, "", fmt.Errorf("%w: %w", ErrHeader, err)
	}
	kind, want := Classic, classicHeader
	if first[0] != classicHeader[0] {
		kind, want = DataPump, datapumpHeader
	}
	got := make([]byte, len(want))
	if _, err := io.ReadFull(br, got); err != nil {
		return 0, "", ErrHeader
	}
	if kind == Classic && !bytes.Equal(got, want) || kind == DataPump && !isDataPumpBlock(got) {
		return 0, "", ErrHeader
	}
	d, err := line(br)
	if err != nil || !strings.HasPrefix(d, "D") {
		return 0, "", ErrHeader
	}
	if r, err := line(br); err != nil || r != "RUSERS" {
		return 0, "", ErrHeader
	}
	if v, err := line(br); err != nil || v != "SIMDUMP 1" {
		return 0, "", ErrHeader
	}
	return kind, d[1:], nil
}

// Read walks the body of a dump after Header, calling v. It returns ErrTruncated when the
// file ends before its trailer and ErrCorrupt when a line or row is not what it should be.
func Read(br *bufio.Reader, v Visitor) error {
	var cur *Schema
	for {
		l, err := line(br)
		if err != nil {
			return err
		}
		f := strings.Fields(l)
		switch {
		case l == "EXIT":
			if l2, err := line(br); err != nil || l2 != "EXIT" {
				return ErrTruncated
			}
			return nil
		case (len(f) == 6 || len(f) == 8) && f[0] == "OWNER" && cur == nil:
			g, err := strconv.ParseInt(f[5], 10, 64)
			if err != nil {
				return ErrCorrupt
			}
			cur = &Schema{Owner: f[1], Tablespace: f[3], Generation: g, Objects: map[string]int{}}
			if len(f) == 8 {
				pw, err := hex.DecodeString(strings.TrimPrefix(f[7], "x"))
				if err != nil {
					return ErrCorrupt
				}
				cur.Password = string(pw)
			}
			ol, err := line(br)
			if err != nil {
				return err
			}
			of := strings.Fields(ol)
			if len(of) == 0 || of[0] != "OBJECTS" {
				return ErrCorrupt
			}
			for _, kv := range of[1:] {
				k, val, _ := strings.Cut(kv, "=")
				n, err := strconv.Atoi(val)
				if err != nil {
					return ErrCorrupt
				}
				switch k {
				case "~BROKEN":
					cur.Broken = n
				case "~COMPILEWARN":
					cur.CompileWarnings = n
				default:
					cur.Objects[strings.ReplaceAll(k, "_", " ")] = n
				}
			}
			if v.Schema != nil {
				if err := v.Schema(*cur); err != nil {
					return err
				}
			}
		case len(f) == 6 && f[0] == "TABLE" && cur != nil:
			rows, err := strconv.ParseInt(f[5], 10, 64)
			if err != nil {
				return ErrCorrupt
			}
			t := simdb.Table{Name: f[1], Tablespace: f[3], Rows: rows}
			if err := readRows(br, t, cur.Generation); err != nil {
				return err
			}
			if v.Table != nil {
				if err := v.Table(cur.Owner, t); err != nil {
					return err
				}
			}
		case len(f) == 2 && f[0] == "ENDOWNER" && cur != nil && f[1] == cur.Owner:
			if v.EndSchema != nil {
				if err := v.EndSchema(cur.Owner); err != nil {
					return err
				}
			}
			cur = nil
		default:
			return ErrCorrupt
		}
	}
}

func readRows(br *bufio.Reader, t simdb.Table, gen int64) error {
	got := make([]byte, simdb.RowSize)
	want := make([]byte, 0, simdb.RowSize)
	for i := int64(0); i < t.Rows; i++ {
		if _, err := io.ReadFull(br, got); err != nil {
			return ErrTruncated
		}
		want = simdb.AppendRow(want[:0], t.Name, i, gen)
		if !bytes.Equal(got, want) {
			return ErrCorrupt
		}
	}
	return nil
}

// line reads one '\n'-terminated line; EOF before the newline is ErrTruncated.
func line(br *bufio.Reader) (string, error) {
	s, err := br.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", ErrTruncated
		}
		return "", err
	}
	if len(s) > 4096 {
		return "", ErrCorrupt
	}
	return strings.TrimSuffix(s, "\n"), nil
}
