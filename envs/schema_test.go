package envs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/yaml"
)

// TestSchemaInSync fails when the committed schema no longer matches the Go
// types: run `make schema` after changing config.go.
func TestSchemaInSync(t *testing.T) {
	want, err := Schema(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(SchemaFile)
	if err != nil {
		t.Fatalf("%v: run `make schema`", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("envs/%s is out of date with the Go config types: run `make schema` and commit it", SchemaFile)
	}
	// The schema is as strict as the loader: editors flag unknown keys too.
	var doc map[string]any
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["additionalProperties"] != false {
		t.Errorf("schema allows unknown top-level keys; the loader rejects them")
	}
	req, _ := doc["required"].([]any)
	for _, field := range []string{"name", "account", "region", "availabilityZones", "network"} {
		found := false
		for _, r := range req {
			found = found || r == field
		}
		if !found {
			t.Errorf("schema does not require %q", field)
		}
	}
}

// TestAcceptedConfigsMatchTheSchema validates every env the loader accepts
// (the shipped ones and the valid corpus) against the committed schema, as
// an editor's YAML language server does: a schema stricter than the loader
// (a pattern cut short at a comma, an enum missing a value) would mark a
// valid file red. Each pattern must also compile as the schema's regular
// expression dialect reads it.
func TestAcceptedConfigsMatchTheSchema(t *testing.T) {
	data, err := os.ReadFile(SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaFile, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(SchemaFile)
	if err != nil {
		t.Fatalf("%s does not compile: %v", SchemaFile, err)
	}
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	for _, env := range []string{"dev", "stg", "prd"} {
		files = append(files, env+".yaml")
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(filepath.Base(f), raw); err != nil && !strings.HasPrefix(f, "testdata") {
				t.Fatalf("the loader refuses it: %v", err)
			}
			asJSON, err := yaml.YAMLToJSON(raw)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(asJSON))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("the loader accepts it, the schema refuses it:\n%v", err)
			}
		})
	}
}
