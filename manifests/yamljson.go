package manifests

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	yaml "go.yaml.in/yaml/v2"
)

// yamlToJSONValue parses one YAML document strictly (a key twice in a mapping is an error)
// and returns it in the JSON data model: map[string]any, []any, string, bool, json.Number
// and nil. It is what sigs.k8s.io/yaml.YAMLToJSONStrict followed by a json.Decoder with
// UseNumber returns (same parser, same conversion of keys and scalars), without encoding
// and decoding the JSON text in between, which was a third of the time of a large revision.
func yamlToJSONValue(data []byte) (any, error) {
	var v any
	if err := yaml.UnmarshalStrict(data, &v); err != nil {
		return nil, err
	}
	return toJSONValue(v)
}

func toJSONValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, string, bool:
		return v, nil
	case int:
		return json.Number(strconv.Itoa(v)), nil
	case int64:
		return json.Number(strconv.FormatInt(v, 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(v, 10)), nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("yaml: %v is not a JSON number", v)
		}
		// Formatted as encoding/json formats a float64.
		format := byte('f')
		if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
			format = 'e'
		}
		return json.Number(strconv.FormatFloat(v, format, -1, 64)), nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			c, err := toJSONValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			key, err := jsonKey(k)
			if err != nil {
				return nil, err
			}
			c, err := toJSONValue(e)
			if err != nil {
				return nil, err
			}
			out[key] = c
		}
		return out, nil
	}
	return nil, fmt.Errorf("yaml: unsupported value of type %T", v)
}

// jsonKey turns a YAML mapping key into a string the way sigs.k8s.io/yaml does.
func jsonKey(k any) (string, error) {
	switch k := k.(type) {
	case string:
		return k, nil
	case int:
		return strconv.Itoa(k), nil
	case int64:
		return strconv.FormatInt(k, 10), nil
	case uint64:
		return strconv.FormatUint(k, 10), nil
	case float64:
		switch s := strconv.FormatFloat(k, 'g', -1, 32); s {
		case "+Inf":
			return ".inf", nil
		case "-Inf":
			return "-.inf", nil
		case "NaN":
			return ".nan", nil
		default:
			return s, nil
		}
	case bool:
		return strconv.FormatBool(k), nil
	}
	return "", fmt.Errorf("yaml: unsupported mapping key of type %T", k)
}
