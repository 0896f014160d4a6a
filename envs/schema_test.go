package envs

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
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
