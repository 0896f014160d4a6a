package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/internal/assembly"
)

// goldenDir holds one normalised template per env and stack: the reviewed
// state of the platform. `make snapshot` rewrites it after a reviewed change.
const goldenDir = "golden"

// TestSnapshots compares every stack's template with its golden copy and
// fails with a readable, path-by-path diff on drift, including stacks that
// appeared or disappeared.
func TestSnapshots(t *testing.T) {
	envNames, err := assembly.Envs(outdir)
	if err != nil || len(envNames) == 0 {
		t.Fatalf("no environments synthesized: %v", err)
	}
	for _, env := range envNames {
		stacks, err := assembly.Stacks(outdir, env)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, s := range stacks {
			file := filepath.Join(goldenDir, env, s.Name+".template.json")
			seen[file] = true
			t.Run(s.Name, func(t *testing.T) {
				got, err := s.Template()
				if err != nil {
					t.Fatal(err)
				}
				if *update {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("no golden template for %s (%v): review it, then run `make snapshot`", s.Name, err)
				}
				if string(got) != string(want) {
					t.Errorf("%s drifted from %s (- golden, + synthesized):\n%s\nIf the change is intended, review it and run `make snapshot`.", s.Name, file, lineDiff(string(want), string(got)))
				}
			})
		}
		stale, _ := filepath.Glob(filepath.Join(goldenDir, env, "*.template.json"))
		for _, f := range stale {
			if seen[f] {
				continue
			}
			if *update {
				os.Remove(f)
				continue
			}
			t.Errorf("%s: the stack %s is no longer synthesized (deleting it deletes its resources): review, then run `make snapshot`", f, strings.TrimSuffix(filepath.Base(f), ".template.json"))
		}
	}
}
