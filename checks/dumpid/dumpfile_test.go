package dumpid

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestIdentify(t *testing.T) {
	simClassic := "\x03\x00\xb2EXPORT:V19.00.00\nDAESUSER313\nRUSERS\nSIMDUMP 1\nOWNER X\nEXIT\nEXIT\n"
	binary := string(bytes.Repeat([]byte{0x00, 0x9f, 0x01, 0xff}, 2048))
	// altium-sim's Data Pump file: a 4 KiB header block of its own layout, then its body.
	simDP := "\x00\x01KU$DFHDR FILE_VERSION=5.1" + strings.Repeat("\x00", 4096-27) + "\nDAESUSER313\nRUSERS\nSIMDUMP 1\n"
	tests := []struct {
		name      string
		data      string
		kind      Kind
		certain   bool
		version   string
		charset   string
		truncated bool
		trailer   bool
		checkErr  bool
	}{
		{"sim classic", simClassic, Classic, true, "EXPORT:V19.00.00", "WE8MSWIN1252", false, true, false},
		{"sim classic cut", simClassic[:len(simClassic)-7], Classic, true, "EXPORT:V19.00.00", "WE8MSWIN1252", true, false, true},
		{"real classic AL32UTF8 no trailer", "\x03\x03\x69EXPORT:V21.00.00\nDSYSTEM\nRUSERS\n2048\n0\n20\n0\n", Classic, true, "EXPORT:V21.00.00", "AL32UTF8", false, false, false},
		// No Data Pump bytes are read: its header is undocumented, the kind is by elimination.
		{"sim data pump", simDP + "EXIT\nEXIT\n", DataPump, false, "", "", false, true, false},
		{"sim data pump cut", simDP + "TABLE", DataPump, false, "", "", true, false, true},
		{"gzip", "\x1f\x8b\x08" + binary, Unknown, false, "", "", false, false, true},
		{"binary by elimination", binary, DataPump, false, "", "", false, false, false},
		{"empty", "", Unknown, false, "", "", false, false, true},
		{"zip", "PK\x03\x04" + binary, Unknown, false, "", "", false, false, true},
		{"text log", strings.Repeat("Export terminated successfully without warnings.\n", 200), Unknown, false, "", "", false, false, true},
		{"short binary", "\x00\x9f\x01", Unknown, false, "", "", false, false, true},
		{"bad classic version", "\x03\x00\xb2EXPORT:19\n", Unknown, false, "", "", false, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := IdentifyReader(strings.NewReader(tc.data), int64(len(tc.data)))
			if err != nil {
				t.Fatal(err)
			}
			if info.Kind != tc.kind || info.Certain != tc.certain || info.Version != tc.version || info.Charset != tc.charset ||
				info.Truncated != tc.truncated || info.Trailer != tc.trailer {
				t.Errorf("Identify = %+v", info)
			}
			want := tc.kind
			if want == Unknown {
				want = Classic
			}
			err = Check(info, want)
			if (err != nil) != tc.checkErr {
				t.Errorf("Check = %v, want error %v", err, tc.checkErr)
			}
			if tc.truncated && !errors.Is(err, ErrTruncated) {
				t.Errorf("Check = %v, want ErrTruncated", err)
			}
		})
	}
	info, _ := IdentifyReader(strings.NewReader(simClassic), int64(len(simClassic)))
	if err := Check(info, DataPump); err == nil {
		t.Error("a classic export passed as Data Pump")
	}
}
