package setverify

import (
	"context"
	"path/filepath"

	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// verifyL2 checks the zip, the dump header and the export log's verdict.
func verifyL2(ctx context.Context, dir string, m *catalog.Meta) []Problem {
	var probs []Problem
	add := func(file string, reasons []string) {
		for _, r := range reasons {
			probs = append(probs, Problem{file, catalog.LevelL2, r})
		}
	}
	zipName := fileByRole(m, catalog.RoleFiles, catalog.FileZip)
	dumpName := fileByRole(m, catalog.RoleDump, catalog.FileDump)
	logName := fileByRole(m, catalog.RoleLog, catalog.FileExportLog)
	for _, n := range []string{zipName, dumpName, logName} {
		if !safeName(n) {
			add(n, []string{"name in " + catalog.FileMetadata + " is not a plain file name"})
			return probs
		}
	}
	add(zipName, checkZip(ctx, filepath.Join(dir, zipName)))
	add(dumpName, checkDump(filepath.Join(dir, dumpName), m.Tools))
	add(logName, checkLog(filepath.Join(dir, logName), m.Tools.Dump, m.Oracle.Warnings))
	return probs
}
