package manifests

// The JSON Schema generator: structure from the Go types by reflection, descriptions from
// the doc comments of types.go (go/parser), and the value rules an editor can check from the
// table below. It lives in a test file so that it is not part of the agent; TestSchemaUpToDate
// compares its output with schema/vaultkeeper.schema.json (make schema rewrites it).

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
)

const schemaPath = "schema/vaultkeeper.schema.json"

const (
	durationPattern = `^([0-9]+d)?([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))*$`
	dnsPattern      = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	oraclePattern   = `^[A-Za-z][A-Za-z0-9_$#]{0,127}$`
)

type obj = map[string]any

var (
	dnsRule      = obj{"pattern": dnsPattern, "maxLength": 63}
	oracleRule   = obj{"pattern": oraclePattern}
	durationRule = obj{"pattern": durationPattern}
	// keepWithinRule is restic's duration syntax (package manifests/calendar).
	keepWithinRule = obj{"pattern": `^([0-9]+[ymdh])+$`}
	argvRule       = obj{"minItems": 1, "items": obj{"type": "string", "minLength": 1}}
)

// fieldRules are the per-field value rules, keyed TypeName.FieldName; Validate enforces the
// same rules (and those the schema cannot express: references, paths, cron, time zones).
var fieldRules = map[string]obj{
	"ObjectMeta.Name":                 dnsRule,
	"ServerSpec.Agent":                dnsRule,
	"ServerSpec.Product":              {"enum": []string{ProductEnterpriseServer, ProductNexusServer}},
	"ServerSpec.CheckInterval":        durationRule,
	"IISSpec.Stop":                    argvRule,
	"IISSpec.Start":                   argvRule,
	"OracleSpec.Schema":               oracleRule,
	"OracleAdminSpec.Driver":          {"enum": []string{DriverGoOra, DriverSqlplus}},
	"OracleAdminSpec.User":            oracleRule,
	"DumpSpec.Tool":                   {"enum": []string{DumpExp, DumpExpdp}},
	"DumpSpec.Directory":              oracleRule,
	"ExpectSpec.DBLocation":           {"pattern": `^(\[[^\]]+\]|[^:\[\]]+):[0-9]{1,5}$`},
	"TimeoutsSpec.ServiceStop":        durationRule,
	"TimeoutsSpec.Avbackup":           durationRule,
	"TimeoutsSpec.Dump":               durationRule,
	"TimeoutsSpec.Oracle":             durationRule,
	"BackupPolicySpec.MaxAge":         durationRule,
	"BackupPolicySpec.MinFreeBytes":   {"minimum": 0},
	"WindowSpec.Start":                {"pattern": `^([01][0-9]|2[0-3]):[0-5][0-9]$`},
	"WindowSpec.Duration":             durationRule,
	"RetentionSpec.KeepLast":          {"minimum": 0},
	"RetentionSpec.KeepHourly":        {"minimum": 0},
	"RetentionSpec.KeepDaily":         {"minimum": 0},
	"RetentionSpec.KeepWeekly":        {"minimum": 0},
	"RetentionSpec.KeepMonthly":       {"minimum": 0},
	"RetentionSpec.KeepYearly":        {"minimum": 0},
	"RetentionSpec.KeepWithin":        keepWithinRule,
	"RetentionSpec.KeepWithinHourly":  keepWithinRule,
	"RetentionSpec.KeepWithinDaily":   keepWithinRule,
	"RetentionSpec.KeepWithinWeekly":  keepWithinRule,
	"RetentionSpec.KeepWithinMonthly": keepWithinRule,
	"RetentionSpec.KeepWithinYearly":  keepWithinRule,
	"RetentionSpec.MinVerified":       {"minimum": 1},
	"RetentionSpec.KeepSafety":        {"minimum": 1},
	"RestoreSource.Agents":            {"minItems": 1, "uniqueItems": true, "items": dnsRule},
	"VerifySpec.Interval":             durationRule,
	"RestoreSpec.MaxLag":              durationRule,
	"RestoreSource.Backup":            {"pattern": `^(latest|[0-9]{8}T[0-9]{6}Z)$`},
	"RestoreOracle.FromUser":          oracleRule,
	"RestoreOracle.ToUser":            oracleRule,
	"RestoreOracle.RemapTablespaces":  {"propertyNames": oracleRule, "additionalProperties": obj{"type": "string", "pattern": oraclePattern}},
	"NotifierSpec.Type":               {"enum": []string{NotifierWebhook, NotifierSMTP}},
	"NotifierSpec.Events":             {"minItems": 1, "uniqueItems": true, "items": obj{"type": "string", "enum": NotifierEvents}},
	"NotifierSpec.URL":                {"pattern": `^https?://[^/]+`},
	"NotifierSpec.Port":               {"minimum": 1, "maximum": 65535},
	"NotifierSpec.To":                 {"minItems": 1, "items": obj{"type": "string", "minLength": 1}},
}

// typeRules are rules over several fields of one type.
var typeRules = map[string]obj{
	// Exactly one of env and file: a plain string (an inline secret) is not an object.
	"SecretRef": {"minProperties": 1, "maxProperties": 1},
	"OracleAdminSpec": {
		"if":   obj{"required": []string{"driver"}, "properties": obj{"driver": obj{"const": DriverSqlplus}}},
		"then": obj{"not": obj{"anyOf": []obj{{"required": []string{"user"}}, {"required": []string{"password"}}}}},
		"else": obj{"required": []string{"user", "password"}, "not": obj{"required": []string{"sqlplus"}}},
	},
	"DumpSpec": {
		"if":   obj{"required": []string{"tool"}, "properties": obj{"tool": obj{"const": DumpExpdp}}},
		"then": obj{"required": []string{"directory", "directoryPath"}},
		"else": obj{"not": obj{"anyOf": []obj{{"required": []string{"directory"}}, {"required": []string{"directoryPath"}}}}},
	},
	"NotifierSpec": {
		"if": obj{"required": []string{"type"}, "properties": obj{"type": obj{"const": NotifierWebhook}}},
		"then": obj{"required": []string{"url"}, "not": obj{"anyOf": []obj{{"required": []string{"host"}}, {"required": []string{"port"}},
			{"required": []string{"from"}}, {"required": []string{"to"}}, {"required": []string{"username"}}, {"required": []string{"password"}},
			{"required": []string{"caFile"}}, {"required": []string{"requireTLS"}}}}},
		"else": obj{"required": []string{"host", "from", "to"}, "not": obj{"anyOf": []obj{{"required": []string{"url"}}, {"required": []string{"secretRef"}}}},
			"dependentRequired": obj{"username": []string{"password"}, "password": []string{"username"}}},
	},
	"RestoreSpec": {
		"if":   obj{"required": []string{"source"}, "properties": obj{"source": obj{"required": []string{"backup"}, "properties": obj{"backup": obj{"const": BackupLatest}}}}},
		"else": obj{"not": obj{"required": []string{"maxLag"}}},
	},
}

// comments reads the doc comments of the types and fields of types.go.
func comments(file string) (map[string]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, s := range g.Specs {
			ts := s.(*ast.TypeSpec)
			doc := ts.Doc
			if doc == nil && len(g.Specs) == 1 {
				doc = g.Doc
			}
			docs[ts.Name.Name] = oneLine(doc.Text())
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fld := range st.Fields.List {
				for _, n := range fld.Names {
					docs[ts.Name.Name+"."+n.Name] = oneLine(fld.Doc.Text())
				}
			}
		}
	}
	return docs, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// generateSchema builds the draft 2020-12 schema of a manifest document.
func generateSchema(docs map[string]string) ([]byte, error) {
	g := &schemaGen{docs: docs, defs: obj{}}
	kinds := []struct {
		kind string
		t    reflect.Type
	}{
		{KindServer, reflect.TypeFor[Server]()},
		{KindBackupPolicy, reflect.TypeFor[BackupPolicy]()},
		{KindRestore, reflect.TypeFor[Restore]()},
		{KindNotifier, reflect.TypeFor[Notifier]()},
	}
	var allOf []obj
	var names []string
	for _, k := range kinds {
		def := g.structSchema(k.t)
		props := def["properties"].(obj)
		props["apiVersion"] = obj{"const": APIVersion, "description": docs["TypeMeta.APIVersion"]}
		props["kind"] = obj{"const": k.kind, "description": docs["TypeMeta.Kind"]}
		def["required"] = []string{"apiVersion", "kind", "metadata", "spec"}
		g.defs[k.kind] = def
		allOf = append(allOf, obj{
			"if":   obj{"required": []string{"kind"}, "properties": obj{"kind": obj{"const": k.kind}}},
			"then": obj{"$ref": "#/$defs/" + k.kind},
		})
		names = append(names, k.kind)
	}
	schema := obj{
		"$schema":     "https://json-schema.org/draft/2020-12/schema",
		"$id":         "https://vaultkeeper.io/schemas/v1alpha1/vaultkeeper.schema.json",
		"title":       "vaultkeeper manifest (" + APIVersion + ")",
		"description": "One document of a vaultkeeper manifests repo: a Server, BackupPolicy, Restore or Notifier. Generated from manifests/types.go; do not edit.",
		"type":        "object",
		"required":    []string{"apiVersion", "kind"},
		"properties": obj{
			"apiVersion": obj{"const": APIVersion},
			"kind":       obj{"enum": names},
		},
		"allOf": allOf,
		"$defs": g.defs,
	}
	b, err := json.MarshalIndent(schema, "", "  ")
	return append(b, '\n'), err
}

type schemaGen struct {
	docs map[string]string
	defs obj
}

func (g *schemaGen) structSchema(t reflect.Type) obj {
	props := obj{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			s := g.typeSchema(f.Type)
			doc := g.docs[t.Name()+"."+f.Name]
			if doc != "" {
				s["description"] = doc
			}
			for k, v := range fieldRules[t.Name()+"."+f.Name] {
				s[k] = v
			}
			props[name] = s
			if strings.Contains(doc, "is required") && !strings.Contains(doc, "is required with") || strings.Contains(doc, "Required.") {
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := obj{"type": "object", "properties": props, "additionalProperties": false}
	if d := g.docs[t.Name()]; d != "" {
		s["description"] = d
	}
	if len(required) > 0 {
		s["required"] = required
	}
	for k, v := range typeRules[t.Name()] {
		s[k] = v
	}
	return s
}

func (g *schemaGen) typeSchema(t reflect.Type) obj {
	switch t.Kind() {
	case reflect.Pointer:
		return g.typeSchema(t.Elem())
	case reflect.Struct:
		if _, done := g.defs[t.Name()]; !done {
			g.defs[t.Name()] = nil // reserve against recursion
			g.defs[t.Name()] = g.structSchema(t)
		}
		return obj{"$ref": "#/$defs/" + t.Name()}
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return obj{"type": "integer"}
	case reflect.Slice:
		return obj{"type": "array", "items": g.typeSchema(t.Elem())}
	case reflect.Map:
		return obj{"type": "object", "additionalProperties": g.typeSchema(t.Elem())}
	}
	panic("no schema for " + t.String())
}
