package assembly

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// TestConstructPaths reads logical ids from the stack's metadata, inline in
// the manifest or in the additional metadata file the CLI writes.
func TestConstructPaths(t *testing.T) {
	const logicalID = `[{"type": "aws:cdk:logicalId", "data": "%s"}, {"type": "aws:cdk:creationStack", "data": ["..."]}]`
	for _, tc := range []struct {
		name     string
		artifact string // the stack artifact's metadata keys in the manifest
		file     string // the additional metadata file, if any
		want     map[string]string
	}{
		{"inline", `"metadata": {"/dev/network/Vpc/Resource": ` + fmt.Sprintf(logicalID, "VpcA1B2") + `}`, "",
			map[string]string{"VpcA1B2": "dev/network/Vpc/Resource"}},
		{"in a file", `"additionalMetadataFile": "devnetwork.metadata.json"`,
			`{"/dev/network": [{"type": "aws:cdk:templateFile", "data": "devnetwork.template.json"}], "/dev/network/FlowLog": ` + fmt.Sprintf(logicalID, "FlowLog") + `}`,
			map[string]string{"FlowLog": "dev/network/FlowLog"}},
		{"none", `"metadata": {}`, "", map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "assembly-dev", "manifest.json"), `{"artifacts": {"devnetwork": {"type": "aws:cloudformation:stack",
			 "properties": {"templateFile": "devnetwork.template.json", "stackName": "dev-network"}, `+tc.artifact+`}}}`)
			if tc.file != "" {
				write(t, filepath.Join(dir, "assembly-dev", "devnetwork.metadata.json"), tc.file)
			}
			stacks, err := Stacks(dir, "dev")
			if err != nil || len(stacks) != 1 {
				t.Fatalf("Stacks = %v, %v", stacks, err)
			}
			got, err := stacks[0].ConstructPaths()
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("ConstructPaths() = %v, want %v", got, tc.want)
			}
		})
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
