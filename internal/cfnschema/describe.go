package cfnschema

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// describe names a type for messages: "string", "list of integer",
// "object DestinationOptions".
func (c *checker) describe(t Type) string {
	switch t.Kind {
	case "array":
		return "list of " + c.describe(*t.Element)
	case "map":
		return "map of " + c.describe(*t.Element)
	case "ref":
		if t.Reference == nil {
			return "object"
		}
		return "object " + c.typeName("#"+t.Reference.ID)
	case "tag":
		return "tag {Key, Value}"
	case "union":
		var names []string
		for _, m := range t.Types {
			names = append(names, c.describe(m))
		}
		return "one of " + strings.Join(names, " | ")
	case "any":
		return "anything"
	}
	return t.Kind
}

// typeName names a resource type, or an object type by "#<id>".
func (c *checker) typeName(name string) string {
	if id, ok := strings.CutPrefix(name, "#"); ok {
		if o := c.spec.Objects[id]; o != nil {
			return o.Name
		}
	}
	return name
}

// describeValue names a value for messages: its kind, and short scalars.
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case map[string]any:
		if fn, _, ok := intrinsic(x); ok {
			return fn
		}
		return "an object"
	case []any:
		return "a list"
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		return "number " + x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprintf("%T", v)
}

// knownNames lists a type's properties in an unknown-property message,
// when there are few enough to read.
func knownNames(props map[string]Property) string {
	if len(props) == 0 {
		return " (it has no properties)"
	}
	if len(props) > 20 {
		return ""
	}
	return " (known: " + strings.Join(sortedKeys(props), ", ") + ")"
}

// lastSegment is the last key of a property path: DestinationOptions of
// Properties.DestinationOptions.
func lastSegment(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && path[i] == '.' {
		return path[i+1:]
	}
	return path
}
