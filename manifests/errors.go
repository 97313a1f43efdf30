package manifests

import (
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// FieldError is one problem of one manifest: the file it is in, the object (kind and name)
// and the field path (e.g. spec.retention.keepDaily). Kind and Name are empty for problems
// of a whole file (unreadable, not YAML); Field is empty for problems of a whole object.
type FieldError struct {
	File    string
	Kind    string
	Name    string
	Field   string
	Message string

	doc int // index of the document in File; orders errors in document order
}

// Error renders the error as "FILE: Kind/name: field.path: message". An object without a
// kind or name is shown as <unknown> or <unnamed>.
func (e FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	if e.Kind != "" || e.Name != "" || e.Field != "" {
		kind, name := e.Kind, e.Name
		if kind == "" {
			kind = "<unknown>"
		}
		if name == "" {
			name = "<unnamed>"
		}
		b.WriteString(kind)
		b.WriteByte('/')
		b.WriteString(name)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// ErrorList is every problem of a revision. Load returns it (as error) when the revision is
// invalid; use errors.As to get at the single errors.
type ErrorList []FieldError

// Error renders one line per problem.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sortErrors orders the list by file, then by document, then by the field's place in the
// kind's declaration (so a document's errors read top to bottom like the types); errors of
// one field keep the order they were found in.
func sortErrors(l ErrorList) {
	ranks := make([][]int, len(l))
	for i := range l {
		ranks[i] = fieldRank(l[i].Kind, l[i].Field)
	}
	idx := make([]int, len(l))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := &l[idx[a]], &l[idx[b]]
		if x.File != y.File {
			return x.File < y.File
		}
		if x.doc != y.doc {
			return x.doc < y.doc
		}
		return slices.Compare(ranks[idx[a]], ranks[idx[b]]) < 0
	})
	sorted := make(ErrorList, len(l))
	for i, j := range idx {
		sorted[i] = l[j]
	}
	copy(l, sorted)
}

var kindTypes = map[string]reflect.Type{
	KindServer:       reflect.TypeFor[Server](),
	KindBackupPolicy: reflect.TypeFor[BackupPolicy](),
	KindRestore:      reflect.TypeFor[Restore](),
	KindNotifier:     reflect.TypeFor[Notifier](),
}

// fieldRank turns a field path into the indices of its fields in declaration order, list
// elements by position. An empty path (the whole object) comes first; a segment that names
// no field (an unknown field) sorts after its known siblings.
func fieldRank(kind, path string) []int {
	t, ok := kindTypes[kind]
	if !ok || path == "" {
		return nil
	}
	var rank []int
	for seg := range strings.SplitSeq(path, ".") {
		name, sub, _ := strings.Cut(seg, "[")
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			rank = append(rank, 1<<20)
			t = nil
			continue
		}
		idx, ok := fieldsOf(t).byName[name]
		if !ok {
			return append(rank, 1<<20)
		}
		rank = append(rank, idx...)
		t = t.FieldByIndex(idx).Type
		for sub != "" {
			key, rest, _ := strings.Cut(sub, "]")
			n, err := strconv.Atoi(key)
			if err != nil {
				n = 0 // a map key: keep the order found
			}
			rank = append(rank, n)
			if t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
				t = t.Elem()
			}
			sub = strings.TrimPrefix(rest, "[")
		}
	}
	return rank
}

// objErrs collects the errors of one object during validation.
type objErrs struct {
	list *ErrorList
	file string
	kind string
	name string
	doc  int
}

func newObjErrs(list *ErrorList, o Object, doc int) *objErrs {
	return &objErrs{list: list, file: o.Origin(), kind: o.GetTypeMeta().Kind, name: o.GetName(), doc: doc}
}

func (e *objErrs) add(field, msg string) {
	*e.list = append(*e.list, FieldError{File: e.file, Kind: e.kind, Name: e.name, Field: field, Message: msg, doc: e.doc})
}
