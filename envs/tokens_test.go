package envs

import (
	"testing"

	"github.com/goccy/go-yaml/lexer"
)

// TestDepthWalker: the depth the token walker sees is the nesting the
// parser builds, for each way YAML nests collections, and what is not a
// collection (block scalars, their indentation) does not count.
func TestDepthWalker(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		depth      int
		path       string // where the depth is first reached
	}{
		{"a scalar", "name: dev", 1, "name"},
		{"nested mappings", "network:\n  directConnect:\n    tgw:\n      transitGatewayId: tgw-1", 4, "network.directConnect.tgw.transitGatewayId"},
		{"a sequence of mappings", "clusters:\n  - name: blue\n    version: \"1.34\"\n  - name: green", 3, "clusters[0].name"},
		{"a sequence at its key's indentation", "onPremCidrs:\n- 10.0.0.0/14\n- 172.20.0.0/16\nname: dev", 2, "onPremCidrs[0]"},
		{"compact sequences", "tags:\n  - - - x", 4, "tags[0][0][0]"},
		{"flow in block", "clusters:\n  - nodeGroups: [{taints: [{key: a}]}]", 7, `clusters[0].nodeGroups[0].taints[0]`},
		{"map keys", "tags: {cost-center: {a: [x]}}", 4, `tags["cost-center"].a[0]`},
		{"a literal block's indentation", "edge:\n  internalCaCertificate: |\n        a\n            b\n                c\nname: dev", 2, "edge.internalCaCertificate"},
		{"a second document starts over", "name: dev\n---\nname: [x]", 2, "name[0]"},
		{"an explicit key", "? name\n: dev", 1, "?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := depthWalker{}
			depth, path := 0, ""
			for _, tk := range lexer.Tokenize(tc.yaml) {
				w.step(tk)
				if len(w.levels) > depth {
					depth, path = len(w.levels), w.path().String()
				}
			}
			if depth != tc.depth || path != tc.path {
				t.Errorf("depth %d at %s, want %d at %s", depth, path, tc.depth, tc.path)
			}
		})
	}
}
