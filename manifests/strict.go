package manifests

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// decoder fills a Go value from the JSON form of a YAML document, walking it against the
// type's json tags, and records unknown fields and type mismatches with their field path.
type decoder struct {
	file, kind, name string
	doc              int
	errs             *ErrorList
}

func (d *decoder) fail(field, msg string) {
	*d.errs = append(*d.errs, FieldError{File: d.file, Kind: d.kind, Name: d.name, Field: field, Message: msg, doc: d.doc})
}

func valueOf(o Object) reflect.Value { return reflect.ValueOf(o).Elem() }

var secretRefType = reflect.TypeFor[SecretRef]()

// value decodes raw into v. A JSON null (an empty YAML value) leaves v unset.
func (d *decoder) value(path string, raw any, v reflect.Value) {
	if raw == nil {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.value(path, raw, elem.Elem())
		v.Set(elem)
	case reflect.Struct:
		m, ok := raw.(map[string]any)
		if !ok {
			if v.Type() == secretRefType {
				d.fail(path, fmt.Sprintf("must be {env: NAME} or {file: PATH}; inline secrets are not allowed (got %s)", describeType(raw)))
				return
			}
			d.fail(path, "must be a mapping, got "+describe(raw))
			return
		}
		d.object(path, m, v)
	case reflect.Map:
		m, ok := raw.(map[string]any)
		if !ok {
			d.fail(path, "must be a mapping, got "+describe(raw))
			return
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for _, k := range sortedKeys(m) {
			elem := reflect.New(v.Type().Elem()).Elem()
			d.value(path+"["+k+"]", m[k], elem)
			out.SetMapIndex(reflect.ValueOf(k), elem)
		}
		v.Set(out)
	case reflect.Slice:
		list, ok := raw.([]any)
		if !ok {
			d.fail(path, "must be a list, got "+describe(raw))
			return
		}
		out := reflect.MakeSlice(v.Type(), len(list), len(list))
		for i, e := range list {
			d.value(path+"["+strconv.Itoa(i)+"]", e, out.Index(i))
		}
		v.Set(out)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			d.fail(path, "must be a string, got "+describe(raw))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			d.fail(path, "must be true or false, got "+describe(raw))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := raw.(json.Number)
		if !ok {
			d.fail(path, "must be an integer, got "+describe(raw))
			return
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil || v.OverflowInt(i) {
			d.fail(path, fmt.Sprintf("must be an integer, got %s", n))
			return
		}
		v.SetInt(i)
	default:
		panic(fmt.Sprintf("manifests: no decoding for %s at %s", v.Type(), path))
	}
}

func (d *decoder) object(path string, m map[string]any, v reflect.Value) {
	fields := fieldsOf(v.Type())
	for _, k := range sortedKeys(m) {
		fp := join(path, k)
		f, ok := fields.byName[k]
		if !ok {
			msg := "unknown field"
			if s := suggest(k, fields.names); s != "" {
				msg += fmt.Sprintf(" (did you mean %s?)", s)
			}
			d.fail(fp, msg)
			continue
		}
		d.value(fp, m[k], v.FieldByIndex(f))
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// structFields maps the json names of a struct's fields (inline structs flattened) to their index.
type structFields struct {
	byName map[string][]int
	names  []string
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	sf := &structFields{byName: map[string][]int{}}
	collectFields(t, nil, sf)
	sort.Strings(sf.names)
	fieldCache.Store(t, sf)
	return sf
}

func collectFields(t reflect.Type, index []int, sf *structFields) {
	for i := range t.NumField() {
		f := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			collectFields(f.Type, idx, sf)
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		sf.byName[name] = idx
		sf.names = append(sf.names, name)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describe names the YAML type of a decoded JSON value for messages.
func describe(raw any) string {
	switch r := raw.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number (" + r.String() + ")"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", raw)
}

// describeType is describe without the value, for fields that may hold a secret.
func describeType(raw any) string {
	if _, ok := raw.(json.Number); ok {
		return "a number"
	}
	return describe(raw)
}

// suggest returns the known name closest to an unknown one, when it is a likely typo.
func suggest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if strings.EqualFold(k, name) {
			return k
		}
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
