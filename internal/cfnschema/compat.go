package cfnschema

import (
	"encoding/json"
	"strconv"
	"strings"
)

// scalarOf reports whether v is a value CloudFormation takes for a scalar
// of kind: it converts between JSON's scalars (a "443" for an integer, a
// number for a string, a "true" for a boolean), but never turns an object
// or a list into one.
func scalarOf(kind string, v any) bool {
	switch x := v.(type) {
	case string:
		switch kind {
		case "integer":
			_, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			return err == nil
		case "number":
			_, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			return err == nil
		case "boolean":
			return strings.EqualFold(x, "true") || strings.EqualFold(x, "false")
		}
		return true
	case json.Number:
		switch kind {
		case "integer":
			_, err := x.Int64()
			return err == nil
		case "boolean":
			return false
		}
		return true
	case bool:
		return kind == "boolean" || kind == "string"
	}
	return false
}

// compatible reports whether an intrinsic function's result of type got
// can stand where the schema wants type want. Scalars are interchangeable
// (their text is only known at deploy time); a list, an object or a scalar
// are not.
func compatible(want, got Type) bool {
	switch {
	case got.Kind == "any" || want.Kind == "json" || got.Kind == "json":
		return true
	case want.Kind == "union":
		for _, m := range want.Types {
			if compatible(m, got) {
				return true
			}
		}
		return false
	case got.Kind == "union":
		for _, m := range got.Types {
			if compatible(want, m) {
				return true
			}
		}
		return false
	}
	shape := func(t Type) string {
		switch t.Kind {
		case "array":
			return "list"
		case "map", "ref", "tag":
			return "object"
		}
		return "scalar"
	}
	if shape(want) != shape(got) {
		return false
	}
	if want.Kind == "array" || (want.Kind == "map" && got.Kind == "map") {
		return compatible(*want.Element, *got.Element)
	}
	return true
}
