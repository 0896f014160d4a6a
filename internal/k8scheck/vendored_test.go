package k8scheck

import (
	"fmt"
	"testing"
)

// TestGitBlobID: the id is git hash-object's, which the chart records are
// compared with.
func TestGitBlobID(t *testing.T) {
	if got := gitBlobID([]byte("hello\n")); got != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Fatalf("gitBlobID = %s, want git hash-object's", got)
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
