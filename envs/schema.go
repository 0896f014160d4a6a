package envs

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"
)

// SchemaFile is the JSON Schema of an env file, beside the env files; the
// yaml-language-server line at the top of each env file points editors to it.
const SchemaFile = "env.schema.json"

// Schema generates the JSON Schema of an env file from the Config type and
// its doc comments. srcDir is this package's source directory ("." when run
// from it), read for the field descriptions. Unknown keys are rejected, as
// the loader does.
func Schema(srcDir string) ([]byte, error) {
	r := &jsonschema.Reflector{ExpandedStruct: true}
	if err := r.AddGoComments("github.com/ecplatform/eks-platform/envs", srcDir); err != nil {
		return nil, err
	}
	s := r.Reflect(&Config{})
	if err := capSchema(s); err != nil {
		return nil, err
	}
	s.ID = "https://github.com/ecplatform/eks-platform/envs/env.schema.json"
	s.Title = "EKS platform environment"
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// capSchema writes each list and map cap of the loader into the schema, so
// that editors flag what the loader refuses (caps.go is their one source).
func capSchema(s *jsonschema.Schema) error {
	for t, fields := range listCaps {
		def := s
		if t != reflect.TypeFor[Config]() {
			def = s.Definitions[t.Name()]
		}
		for name, c := range fields {
			var prop *jsonschema.Schema
			if def != nil {
				prop, _ = def.Properties.Get(name)
			}
			if prop == nil {
				return fmt.Errorf("schema: no property %s.%s for its cap", t.Name(), name)
			}
			max := uint64(c.max)
			if prop.Type == "object" {
				prop.MaxProperties = &max
			} else {
				prop.MaxItems = &max
			}
		}
	}
	return nil
}
