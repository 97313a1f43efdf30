package snapshot

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/checks/dumpid"
	"github.com/vaultkeeper/vaultkeeper/reconciler/oracle/dump"
	"github.com/vaultkeeper/vaultkeeper/state/catalog"
)

// Counter is the part of oracle.Admin a snapshot needs.
type Counter interface {
	ObjectCounts(ctx context.Context, schema string) (map[string]int, error)
	RowCounts(ctx context.Context, schema string) (map[string]int64, error)
	SchemaTablespaces(ctx context.Context, schema string) ([]string, error)
	InvalidCount(ctx context.Context, schema string) (int, error)
	DefaultTablespace(ctx context.Context, user string) (string, error)
}

// Record builds the OracleMeta of a finished export: object counts from a, rows from
// the export's log. If the log named no table (it could not be read) while the schema
// has tables, the rows are counted in the database instead.
func Record(ctx context.Context, a Counter, schema string, export dump.Outcome) (catalog.OracleMeta, error) {
	meta := catalog.OracleMeta{Schema: strings.ToUpper(schema), Warnings: export.Warnings}
	objs, err := a.ObjectCounts(ctx, schema)
	if err != nil {
		return meta, fmt.Errorf("record schema %s: %w", meta.Schema, err)
	}
	meta.Objects = objs
	if meta.Tablespaces, err = a.SchemaTablespaces(ctx, schema); err != nil {
		return meta, fmt.Errorf("record schema %s: %w", meta.Schema, err)
	}
	invalid, err := a.InvalidCount(ctx, schema)
	if err != nil {
		return meta, fmt.Errorf("record schema %s: %w", meta.Schema, err)
	}
	meta.InvalidObjects = &invalid
	if meta.DefaultTablespace, err = a.DefaultTablespace(ctx, schema); err != nil {
		return meta, fmt.Errorf("record schema %s: %w", meta.Schema, err)
	}
	meta.Rows = export.Log.Rows
	if len(meta.Rows) == 0 && objs["TABLE"] > 0 {
		rows, err := a.RowCounts(ctx, schema)
		if err != nil {
			return meta, fmt.Errorf("record schema %s: the export log names no table: %w", meta.Schema, err)
		}
		meta.Rows = rows
	}
	if n := objs["TABLE"]; n != len(meta.Rows) {
		return meta, fmt.Errorf("record schema %s: %d tables in the dictionary but %d in the export log", meta.Schema, n, len(meta.Rows))
	}
	return meta, nil
}

// Tools returns the catalog's dump tool fields from the export and the dump's header.
func Tools(export dump.Outcome, info dumpid.Info) (tool, version, charset string) {
	tool = string(export.Tool)
	version = info.Version
	if version == "" {
		version = export.Log.ExportVersion
	}
	charset = export.Log.Charset
	if charset == "" {
		charset = info.Charset
	}
	if charset == "" && info.CharsetID != 0 {
		charset = fmt.Sprintf("id %d", info.CharsetID)
	}
	return tool, version, charset
}

// Compare lists how a restored schema differs from the record: missing or different
// object counts and row counts. Extra rows counted in a table are reported too.
func Compare(want catalog.OracleMeta, objects map[string]int, rows map[string]int64) []string {
	var problems []string
	for _, t := range sortedKeys(want.Objects) {
		if objects[t] != want.Objects[t] {
			problems = append(problems, fmt.Sprintf("%s: %d objects of type %s, the backup had %d", want.Schema, objects[t], t, want.Objects[t]))
		}
	}
	for _, t := range sortedKeys(objects) {
		if _, ok := want.Objects[t]; !ok {
			problems = append(problems, fmt.Sprintf("%s: %d objects of type %s, the backup had none", want.Schema, objects[t], t))
		}
	}
	if rows != nil {
		for _, t := range sortedKeys(want.Rows) {
			got, ok := rows[t]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s.%s: table missing (the backup had %d rows)", want.Schema, t, want.Rows[t]))
			case got != want.Rows[t]:
				problems = append(problems, fmt.Sprintf("%s.%s: %d rows, the backup had %d", want.Schema, t, got, want.Rows[t]))
			}
		}
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
