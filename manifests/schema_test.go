package manifests

import (
	"github.com/vaultkeeper/vaultkeeper/cmd/harness/testtool"

	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

func TestSchemaUpToDate(t *testing.T) {
	docs, err := comments("types.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := generateSchema(docs)
	if err != nil {
		t.Fatal(err)
	}
	if testtool.Updating() {
		if err := os.MkdirAll(filepath.Dir(schemaPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v: run make schema", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with types.go: run make schema (go test ./manifests/ -run TestSchemaUpToDate -update)", schemaPath)
	}
}

// TestSchemaDescribesEveryField guards the doc comments the schema's descriptions come from.
func TestSchemaDescribesEveryField(t *testing.T) {
	s := loadSchema(t)
	for name, def := range s["$defs"].(map[string]any) {
		for prop, p := range def.(map[string]any)["properties"].(map[string]any) {
			if name != KindServer && name != KindBackupPolicy && name != KindRestore && name != KindNotifier && p.(map[string]any)["description"] == nil {
				t.Errorf("%s.%s has no description: document the field in types.go", name, prop)
			}
		}
	}
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// yamlDocs returns the JSON form of every non-empty document of a YAML file.
func yamlDocs(t *testing.T, data []byte) []any {
	t.Helper()
	var out []any
	for _, d := range splitDocuments(data) {
		js, err := yaml.YAMLToJSON(d.data)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(js, &v); err != nil {
			t.Fatal(err)
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

// TestSchemaAcceptsExamples checks the committed schema with a small draft 2020-12 evaluator
// (the keywords the generator uses): every example passes.
func TestSchemaAcceptsExamples(t *testing.T) {
	s := loadSchema(t)
	files, _ := filepath.Glob(filepath.Join("examples", "*", "*.yaml"))
	base, _ := filepath.Glob(filepath.Join("testdata", "base", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range append(files, base...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range yamlDocs(t, data) {
			if errs := (&evaluator{root: s}).eval(s, doc, ""); len(errs) > 0 {
				t.Errorf("%s: schema rejects a valid manifest:\n%s", f, strings.Join(errs, "\n"))
			}
		}
	}
}

// TestSchemaRejects takes the production server and policy of the examples, breaks one thing
// at a time, and requires the schema to reject each.
func TestSchemaRejects(t *testing.T) {
	s := loadSchema(t)
	server, _ := os.ReadFile(filepath.Join("examples", "servers", "aes-prod.yaml"))
	policy, _ := os.ReadFile(filepath.Join("examples", "policies", "aes-prod-nightly.yaml"))
	restore, _ := os.ReadFile(filepath.Join("examples", "restores", "staging-refresh.yaml"))
	for _, c := range []struct {
		name, doc, old, new string
	}{
		{"unknown field", string(server), "  site: Altium365", "  site: Altium365\n    stopp: [x]"},
		{"unknown top-level field", string(server), "kind: Server", "kind: Server\nstatus: {}"},
		{"unknown kind", string(server), "kind: Server", "kind: Serverr"},
		{"wrong apiVersion", string(server), "v1alpha1", "v1"},
		{"inline secret", string(server), "{env: AES_SCHEMA_PASSWORD}", "hunter2"},
		{"both secret sources", string(server), "{env: AES_SCHEMA_PASSWORD}", "{env: X, file: 'C:\\x'}"},
		{"sqlplus with user", string(server), "driver: go-ora", "driver: sqlplus"},
		{"go-ora with sqlplus", string(server), "user: SYSTEM", "user: SYSTEM\n      sqlplus: 'C:\\x.exe'"},
		{"expdp without directory", string(server), "tool: exp,", "tool: expdp,"},
		{"bad product", string(server), "EnterpriseServer", "Enterprise"},
		{"bad name", string(server), "name: aes-prod", "name: AES_prod"},
		{"bad schema identifier", string(server), "schema: AESUSER313", "schema: 1AES"},
		{"empty argv", string(server), "stop: [net, stop, WAS, /y]", "stop: []"},
		{"missing required", string(server), "    site: Altium365\n", ""},
		{"string for bool", string(server), "allowRestore: false", "allowRestore: 'no'"},
		{"bad duration", string(policy), "maxAge: 26h", "maxAge: 26 hours"},
		{"negative keep", string(policy), "keepDaily: 14", "keepDaily: -14"},
		{"minVerified 0", string(policy), "minVerified: 2", "minVerified: 0"},
		{"bad window start", string(policy), `start: "01:00"`, `start: "1:00"`},
		{"maxLag with set id", string(restore), "backup: latest", "backup: 20261121T020000Z"},
		{"bad backup", string(restore), "backup: latest", "backup: newest"},
		{"bad tablespace", string(restore), "ALTIUM: USERS", "ALTIUM: 9USERS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(c.doc, c.old) {
				t.Fatalf("example does not contain %q", c.old)
			}
			for _, doc := range yamlDocs(t, []byte(strings.Replace(c.doc, c.old, c.new, 1))) {
				if errs := (&evaluator{root: s}).eval(s, doc, ""); len(errs) == 0 {
					t.Error("schema accepts it")
				}
			}
		})
	}
}

// evaluator is a minimal JSON Schema evaluator for the keywords the generator emits.
type evaluator struct{ root map[string]any }

func (e *evaluator) eval(schema any, v any, at string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		if schema == false {
			return []string{at + ": not allowed"}
		}
		return nil
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if ref, ok := s["$ref"].(string); ok {
		def := e.root["$defs"].(map[string]any)[strings.TrimPrefix(ref, "#/$defs/")]
		errs = append(errs, e.eval(def, v, at)...)
	}
	if typ, ok := s["type"].(string); ok && !hasType(v, typ) {
		fail("want %s", typ)
		return errs
	}
	if c, ok := s["const"]; ok && c != v {
		fail("want %v", c)
	}
	if enum, ok := s["enum"].([]any); ok && !containsValue(enum, v) {
		fail("want one of %v", enum)
	}
	if str, ok := v.(string); ok {
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
		if n, ok := s["minLength"].(float64); ok && float64(len([]rune(str))) < n {
			fail("shorter than %v", n)
		}
		if n, ok := s["maxLength"].(float64); ok && float64(len([]rune(str))) > n {
			fail("longer than %v", n)
		}
	}
	if num, ok := v.(float64); ok {
		if n, ok := s["minimum"].(float64); ok && num < n {
			fail("below %v", n)
		}
	}
	if list, ok := v.([]any); ok {
		if n, ok := s["minItems"].(float64); ok && float64(len(list)) < n {
			fail("fewer than %v items", n)
		}
		for i, item := range list {
			if items, ok := s["items"]; ok {
				errs = append(errs, e.eval(items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	if m, ok := v.(map[string]any); ok {
		if n, ok := s["minProperties"].(float64); ok && float64(len(m)) < n {
			fail("fewer than %v properties", n)
		}
		if n, ok := s["maxProperties"].(float64); ok && float64(len(m)) > n {
			fail("more than %v properties", n)
		}
		for _, r := range asList(s["required"]) {
			if _, ok := m[r.(string)]; !ok {
				fail("%s is required", r)
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, val := range m {
			if pn, ok := s["propertyNames"]; ok {
				errs = append(errs, e.eval(pn, k, at+"{"+k+"}")...)
			}
			if p, ok := props[k]; ok {
				errs = append(errs, e.eval(p, val, at+"."+k)...)
			} else if ap, ok := s["additionalProperties"]; ok {
				errs = append(errs, e.eval(ap, val, at+"."+k)...)
			}
		}
	}
	for _, sub := range asList(s["allOf"]) {
		errs = append(errs, e.eval(sub, v, at)...)
	}
	if anyOf, ok := s["anyOf"].([]any); ok {
		matched := false
		for _, sub := range anyOf {
			matched = matched || len(e.eval(sub, v, at)) == 0
		}
		if !matched {
			fail("matches none of anyOf")
		}
	}
	if not, ok := s["not"]; ok && len(e.eval(not, v, at)) == 0 {
		fail("matches a schema it must not match")
	}
	if cond, ok := s["if"]; ok {
		branch := "else"
		if len(e.eval(cond, v, at)) == 0 {
			branch = "then"
		}
		if sub, ok := s[branch]; ok {
			errs = append(errs, e.eval(sub, v, at)...)
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func hasType(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	}
	return false
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
