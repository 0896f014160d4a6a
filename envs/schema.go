package envs

import (
	"encoding/json"

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
	s.ID = "https://github.com/ecplatform/eks-platform/envs/env.schema.json"
	s.Title = "EKS platform environment"
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
