package k8scheck

import (
	"fmt"
	"strings"
	"testing"
)

// TestVendoredChartsAreTheTagsFiles: each vendored file is the blob its
// chart's tag holds (git's object id, which `git rev-parse <tag>:<path>`
// prints in any clone), and an edited file is refused.
func TestVendoredChartsAreTheTagsFiles(t *testing.T) {
	if got := gitBlobID([]byte("hello\n")); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Fatalf("gitBlobID = %s, want git hash-object's", got)
	}
	for _, c := range charts {
		if c.Vendored == "" {
			continue
		}
		for _, f := range []string{"Chart.yaml", "values.yaml", "values.schema.json"} {
			if _, err := readVendored(c, f); err != nil {
				t.Errorf("%s: %v", c, err)
			}
		}
		edited := *c
		edited.VendoredFrom = strings.Replace(c.VendoredFrom, "values.yaml 2", "values.yaml 3", 1)
		if _, err := readVendored(&edited, "values.yaml"); err == nil || !strings.Contains(err.Error(), "restore it from the chart's tag") {
			t.Errorf("%s: a values.yaml that is not the tag's: %v", c, err)
		}
	}
}

// TestCoalesce merges a release's values onto the chart's as Helm does.
func TestCoalesce(t *testing.T) {
	got := coalesce(
		map[string]any{"a": map[string]any{"b": 2}, "c": nil, "d": []any{1}},
		map[string]any{"a": map[string]any{"b": 1, "x": true}, "c": "gone", "d": []any{0, 0}, "e": "kept"},
	)
	want := `map[a:map[b:2 x:true] d:[1] e:kept]`
	if s := fmt.Sprint(got); s != want {
		t.Errorf("coalesce = %s, want %s", s, want)
	}
}
