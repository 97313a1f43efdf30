package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Decode decodes every document of one YAML file strictly: unknown fields and values of the
// wrong type are errors with their field path; empty documents are skipped. file is the
// path recorded as each object's origin and in the errors (relative, forward slashes).
// Objects are returned even when some of their fields had errors, so that a revision's
// references still resolve; Decode neither applies defaults nor validates.
func Decode(file string, data []byte) ([]Object, ErrorList) {
	var (
		objs []Object
		errs ErrorList
	)
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	for i, doc := range splitDocuments(data) {
		o := decodeDocument(file, i, doc, &errs)
		if o != nil {
			objs = append(objs, o)
		}
	}
	return objs, errs
}

// document is one YAML document of a file and the line it starts on.
type document struct {
	line int
	data []byte
}

// splitDocuments splits a file on "---" lines. Text after "--- " on the same line (other than
// a comment) belongs to the next document; "..." lines (document end markers) are dropped.
func splitDocuments(data []byte) []document {
	var (
		docs  []document
		cur   = document{line: 1}
		start = 0
		line  = 1
	)
	for start < len(data) {
		end := bytes.IndexByte(data[start:], '\n')
		next := len(data)
		if end >= 0 {
			next = start + end + 1
		}
		l := data[start:next]
		if rest, ok := separator(l); ok {
			docs = append(docs, cur)
			cur = document{line: line, data: nil}
			if len(rest) > 0 {
				cur.data = append(cur.data, rest...)
				cur.data = append(cur.data, '\n')
			} else {
				cur.line = line + 1
			}
		} else if string(bytes.TrimRight(l, " \t\r\n")) != "..." { // "..." ends a document
			cur.data = append(cur.data, l...)
		}
		start = next
		line++
	}
	return append(docs, cur)
}

// separator reports whether line is a document separator, and the content after it.
func separator(line []byte) ([]byte, bool) {
	if !bytes.HasPrefix(line, []byte("---")) {
		return nil, false
	}
	rest := line[3:]
	trimmed := bytes.TrimSpace(rest)
	if len(trimmed) == 0 || trimmed[0] == '#' {
		return nil, true
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return nil, false // e.g. "----" or "---x": not a separator
	}
	return trimmed, true
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlError makes a YAML syntax error's line numbers count from the top of the file.
func yamlError(err error, firstLine int) string {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.Join(strings.Fields(msg), " ") // one line per error
	return yamlLine.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(m[len("line "):])
		return "line " + strconv.Itoa(n+firstLine-1)
	})
}

func decodeDocument(file string, index int, doc document, errs *ErrorList) Object {
	if len(bytes.TrimSpace(doc.data)) == 0 {
		return nil
	}
	raw, err := yamlToJSONValue(doc.data)
	if err != nil {
		*errs = append(*errs, FieldError{File: file, Message: yamlError(err, doc.line), doc: index})
		return nil
	}
	if raw == nil {
		return nil // only comments
	}
	m, ok := raw.(map[string]any)
	if !ok {
		*errs = append(*errs, FieldError{File: file, doc: index,
			Message: fmt.Sprintf("document at line %d: must be a mapping with apiVersion, kind, metadata and spec, got %s", doc.line, describe(raw))})
		return nil
	}
	d := &decoder{file: file, doc: index, errs: errs}
	d.kind, _ = m["kind"].(string)
	if md, ok := m["metadata"].(map[string]any); ok {
		d.name, _ = md["name"].(string)
	}
	var obj Object
	switch d.kind {
	case KindServer:
		obj = &Server{origin: file, doc: index}
	case KindBackupPolicy:
		obj = &BackupPolicy{origin: file, doc: index}
	case KindRestore:
		obj = &Restore{origin: file, doc: index}
	case KindNotifier:
		obj = &Notifier{origin: file, doc: index}
	default:
		if _, present := m["kind"]; !present {
			d.fail("kind", "is required: Server, BackupPolicy, Restore or Notifier")
		} else {
			d.fail("kind", fmt.Sprintf("unknown kind %s: want Server, BackupPolicy, Restore or Notifier", quoteRaw(m["kind"])))
		}
		return nil
	}
	switch v, present := m["apiVersion"]; {
	case !present:
		d.fail("apiVersion", fmt.Sprintf("is required: %s", APIVersion))
	case v != APIVersion:
		d.fail("apiVersion", fmt.Sprintf("unknown apiVersion %s: want %s", quoteRaw(v), APIVersion))
	}
	d.value("", raw, valueOf(obj))
	if p, ok := obj.(*BackupPolicy); ok {
		checkExplicitMinVerified(d, m, p)
	}
	return obj
}

// checkExplicitMinVerified rejects an explicit minVerified: 0, which SetDefaults could not
// tell from an omitted one (and would silently turn into 1).
func checkExplicitMinVerified(d *decoder, raw map[string]any, p *BackupPolicy) {
	spec, _ := raw["spec"].(map[string]any)
	ret, _ := spec["retention"].(map[string]any)
	if _, ok := ret["minVerified"].(json.Number); ok && p.Spec.Retention.MinVerified == 0 {
		d.fail("spec.retention.minVerified", "must be >= 1 (omit it for the default 1)")
	}
	if _, ok := ret["keepSafety"].(json.Number); ok && p.Spec.Retention.KeepSafety == 0 {
		d.fail("spec.retention.keepSafety", fmt.Sprintf("must be >= 1 (omit it for the default %d)", DefaultKeepSafety))
	}
}

func quoteRaw(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return describe(v)
}
