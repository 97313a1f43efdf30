package sqlsim

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/dumpfile"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
)

// errNoDumpfileInfo is DBMS_DATAPUMP's NO_DUMPFILE_INFO exception: "an invalid or
// inaccessible file with the specified filename and directory object" (package spec).
var errNoDumpfileInfo = oraErr(39211, "Unable to retrieve dumpfile information as specified.")

// dumpfileInfo is vaultkeeper's GET_DUMPFILE_INFO block (sqlgen.DumpfileInfo): it prints,
// with DBMS_OUTPUT, "FILETYPE|n" and "code|value" per header item of the file in the
// directory object. The simulator reads its own header format (cmd/altium-sim/dumpfile);
// it does not check the caller's READ privilege on the directory.
func dumpfileInfo(c *cursor) action {
	c.kw("DECLARE INFO KU$_DUMPFILE_INFO ; FT NUMBER ; BEGIN DBMS_DATAPUMP . GET_DUMPFILE_INFO (")
	file := c.str()
	c.kw(",")
	dir := c.str()
	c.kw(", INFO , FT ) ; DBMS_OUTPUT . PUT_LINE (")
	if c.str() != "FILETYPE|" {
		return nil
	}
	c.kw("|| FT ) ; FOR R IN ( SELECT ITEM_CODE , VALUE FROM TABLE ( INFO ) ORDER BY ITEM_CODE ) LOOP DBMS_OUTPUT . PUT_LINE ( R . ITEM_CODE ||")
	if c.str() != "|" {
		return nil
	}
	c.kw("|| R . VALUE ) ; END LOOP ; END ;")
	return func(st *simdb.State, admin bool) (result, bool, error) {
		folder, ok := st.Directories[dir]
		if !ok || filepath.Base(file) != file {
			return result{}, false, errNoDumpfileInfo
		}
		f, err := os.Open(filepath.Join(folder, file))
		if err != nil {
			return result{}, false, errNoDumpfileInfo
		}
		defer f.Close()
		ft, items, err := dumpfile.FileInfo(f)
		if err != nil {
			return result{}, false, errNoDumpfileInfo
		}
		out := []string{"FILETYPE|" + strconv.Itoa(ft)}
		codes := make([]int, 0, len(items))
		for code := range items {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		for _, code := range codes {
			out = append(out, strconv.Itoa(code)+"|"+items[code])
		}
		return result{feedback: "PL/SQL procedure successfully completed.", plsql: true, output: out}, false, nil
	}
}
