package setverify

import (
	"fmt"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// dumpTool names the tool that writes a dump of kind k, as vaultkeeper.json records it.
func dumpTool(k dumpid.Kind) string {
	switch k {
	case dumpid.Classic:
		return "exp"
	case dumpid.DataPump:
		return "expdp"
	}
	return ""
}

// checkDump checks, with the one dump identifier (checks/dumpid), that the dump is the
// kind (and, for a classic export, the version) the record names and is not known to be
// cut short.
func checkDump(path string, tools catalog.ToolVersions) []string {
	info, err := dumpid.Identify(path)
	switch {
	case err != nil:
		return []string{err.Error()}
	case info.Kind == dumpid.Unknown:
		return []string{"not an Oracle dump: " + info.Note}
	case tools.Dump != "" && dumpTool(info.Kind) != tools.Dump:
		return []string{fmt.Sprintf("header says %s, %s says %s", dumpTool(info.Kind), catalog.FileMetadata, tools.Dump)}
	case info.Kind == dumpid.Classic && tools.DumpVersion != "" && info.Version != tools.DumpVersion:
		return []string{fmt.Sprintf("header version %s, %s says %s", info.Version, catalog.FileMetadata, tools.DumpVersion)}
	case info.Truncated:
		return []string{fmt.Sprintf("%s: %d bytes and no end-of-dump trailer", dumpid.ErrTruncated, info.Size)}
	}
	return nil
}
