package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// yamlToJSONValue parses one YAML document strictly (a key twice in a mapping is an error)
// with sigs.k8s.io/yaml and returns it in the JSON data model (map[string]any, []any,
// string, bool, json.Number, nil), which strict.go then walks against the Go types so that
// unknown fields and type errors are reported with their field paths.
func yamlToJSONValue(data []byte) (any, error) {
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("yaml: trailing data after the document")
	}
	return v, nil
}
