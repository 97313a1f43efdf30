package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/vaultkeeper/vaultkeeper/checks/setverify"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

var roles = map[string]string{
	catalog.FileZip:       catalog.RoleFiles,
	catalog.FileDump:      catalog.RoleDump,
	catalog.FileExportLog: catalog.RoleLog,
}

// HashFiles records size and sha256 of the set's files (every regular file but vaultkeeper.json).
func HashFiles(ctx context.Context, dir string) ([]catalog.FileMeta, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("hash set %s: %w", dir, err)
	}
	var out []catalog.FileMeta
	for _, e := range ents {
		if !e.Type().IsRegular() || e.Name() == catalog.FileMetadata {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sum, size, err := setverify.HashFile(ctx, filepath.Join(dir, e.Name()), nil)
		if err != nil {
			return nil, fmt.Errorf("hash set %s: %w", dir, err)
		}
		role := roles[e.Name()]
		if role == "" {
			role = "other"
		}
		out = append(out, catalog.FileMeta{Name: e.Name(), Role: role, Size: size, SHA256: sum})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}
