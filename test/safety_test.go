package test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
)

// TestStatefulResourcesRetained: in every env that retains data (stg, prd),
// every stateful resource of every stack survives its deletion and its
// replacement, and in envs that do not (dev) none is left behind to pay for.
func TestStatefulResourcesRetained(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		stacks, err := assembly.Stacks(outdir, cfg.Name)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, s := range stacks {
			data, err := os.ReadFile(s.TemplateFile)
			if err != nil {
				t.Fatal(err)
			}
			var tmpl struct {
				Resources map[string]struct {
					Type                string
					DeletionPolicy      string
					UpdateReplacePolicy string
				}
			}
			if err := json.Unmarshal(data, &tmpl); err != nil {
				t.Fatal(err)
			}
			for id, r := range tmpl.Resources {
				if !assembly.StatefulTypes[r.Type] {
					continue
				}
				checked++
				kept := func(p string) bool { return p == "Retain" || p == "Snapshot" || p == "RetainExceptOnCreate" }
				if cfg.Protection.RetainStatefulResources && (!kept(r.DeletionPolicy) || !kept(r.UpdateReplacePolicy)) {
					t.Errorf("%s %s (%s): DeletionPolicy %q, UpdateReplacePolicy %q; %s retains stateful resources", s.Name, id, r.Type, r.DeletionPolicy, r.UpdateReplacePolicy, cfg.Name)
				}
				if !cfg.Protection.RetainStatefulResources && r.DeletionPolicy == "Retain" {
					t.Errorf("%s %s (%s) is retained but %s does not retain data: it would be orphaned and billed", s.Name, id, r.Type, cfg.Name)
				}
			}
		}
		if checked == 0 {
			t.Errorf("%s: no stateful resources found: the check checked nothing", cfg.Name)
		}
	}
}
