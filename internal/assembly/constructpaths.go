package assembly

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"strings"
)

// metadataEntry is one entry of a stack artifact's construct metadata.
type metadataEntry struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// ConstructPaths maps each logical id of the stack's template to the path
// of the construct that made it (dev/network/Network/Vpc/FlowLogs/FlowLog),
// from the assembly's aws:cdk:logicalId metadata. Templates synthesized
// without path metadata (cdk.json's pathMetadata: false, the test
// synthesis) do not name their constructs; the assembly still does.
func (s Stack) ConstructPaths() (map[string]string, error) {
	md := maps.Clone(s.metadata)
	if s.metadataFile != "" {
		data, err := os.ReadFile(s.metadataFile)
		if err != nil {
			return nil, err
		}
		var extra map[string][]metadataEntry
		if err := json.Unmarshal(data, &extra); err != nil {
			return nil, fmt.Errorf("%s: %w", s.metadataFile, err)
		}
		if md == nil {
			md = map[string][]metadataEntry{}
		}
		maps.Copy(md, extra)
	}
	paths := map[string]string{}
	for path, entries := range md {
		for _, e := range entries {
			if e.Type != "aws:cdk:logicalId" {
				continue
			}
			var id string
			if err := json.Unmarshal(e.Data, &id); err != nil {
				return nil, fmt.Errorf("%s: aws:cdk:logicalId of %s: %w", s.Name, path, err)
			}
			paths[id] = strings.TrimPrefix(path, "/")
		}
	}
	return paths, nil
}
