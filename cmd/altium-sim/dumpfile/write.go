package dumpfile

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// Writer streams a dump.
type Writer struct {
	bw   *bufio.Writer
	kind Kind
}

// NewWriter writes the header and preamble of a dump made by exporter.
func NewWriter(w io.Writer, kind Kind, exporter string) (*Writer, error) {
	return newWriter(w, kind, exporter, datapumpHeader)
}

// NewDataPumpWriter is NewWriter of a Data Pump file whose header carries f.
func NewDataPumpWriter(w io.Writer, exporter string, f DataPumpFields) (*Writer, error) {
	return newWriter(w, DataPump, exporter, dataPumpBlock(f))
}

func newWriter(w io.Writer, kind Kind, exporter string, dpHeader []byte) (*Writer, error) {
	dw := &Writer{bw: bufio.NewWriterSize(w, 64<<10), kind: kind}
	h := classicHeader
	if kind == DataPump {
		h = dpHeader
	}
	dw.bw.Write(h)
	fmt.Fprintf(dw.bw, "D%s\nRUSERS\nSIMDUMP 1\n", exporter)
	return dw, dw.bw.Flush()
}

// BeginSchema writes a schema's header and object counts.
func (dw *Writer) BeginSchema(s Schema) error {
	fmt.Fprintf(dw.bw, "OWNER %s TABLESPACE %s GENERATION %d", s.Owner, s.Tablespace, s.Generation)
	if dw.kind == DataPump {
		fmt.Fprintf(dw.bw, " PASSWORD x%s", hex.EncodeToString([]byte(s.Password)))
	}
	dw.bw.WriteString("\nOBJECTS")
	types := make([]string, 0, len(s.Objects))
	for t := range s.Objects {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(dw.bw, " %s=%d", strings.ReplaceAll(t, " ", "_"), s.Objects[t])
	}
	if s.Broken > 0 {
		fmt.Fprintf(dw.bw, " ~BROKEN=%d", s.Broken)
	}
	if s.CompileWarnings > 0 {
		fmt.Fprintf(dw.bw, " ~COMPILEWARN=%d", s.CompileWarnings)
	}
	_, err := dw.bw.WriteString("\n")
	return err
}

// Table writes a table and its rows at generation gen.
func (dw *Writer) Table(t simdb.Table, gen int64) error {
	fmt.Fprintf(dw.bw, "TABLE %s TABLESPACE %s ROWS %d\n", t.Name, t.Tablespace, t.Rows)
	buf := make([]byte, 0, simdb.RowSize)
	for i := int64(0); i < t.Rows; i++ {
		buf = simdb.AppendRow(buf[:0], t.Name, i, gen)
		if _, err := dw.bw.Write(buf); err != nil {
			return err
		}
	}
	return dw.bw.Flush()
}

// EndSchema closes a schema.
func (dw *Writer) EndSchema(owner string) error {
	fmt.Fprintf(dw.bw, "ENDOWNER %s\n", owner)
	return dw.bw.Flush()
}

// Close writes the trailer and flushes; it does not close the underlying writer.
func (dw *Writer) Close() error {
	dw.bw.WriteString("EXIT\nEXIT\n")
	return dw.bw.Flush()
}

// CutWriter passes the first N bytes to W, then either drops the rest silently (Err nil:
// a dump cut short that the writer does not notice) or fails with Err (disk full).
type CutWriter struct {
	W   io.Writer
	N   int64
	Err error
}

func (c *CutWriter) Write(p []byte) (int, error) {
	if c.N <= 0 {
		if c.Err != nil {
			return 0, c.Err
		}
		return len(p), nil
	}
	q := p
	if int64(len(q)) > c.N {
		q = q[:c.N]
	}
	n, err := c.W.Write(q)
	c.N -= int64(n)
	if err != nil {
		return n, err
	}
	if n < len(p) {
		if c.Err != nil {
			return n, c.Err
		}
		return len(p), nil
	}
	return n, nil
}
