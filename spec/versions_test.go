package spec

import (
	"slices"
	"testing"
)

// TestVersionTable: every supported minor pins every add-on and a kubectl
// layer, and is listed once.
func TestVersionTable(t *testing.T) {
	minors := SupportedVersions()
	if !slices.IsSorted(minors) || len(slices.Compact(slices.Clone(minors))) != len(minors) {
		t.Fatalf("SupportedVersions() = %v, want sorted, each once", minors)
	}
	for _, minor := range minors {
		v, _ := LookupVersion(minor)
		t.Run(minor, func(t *testing.T) {
			for _, name := range PinnedAddons {
				if v.Addons[name] == "" {
					t.Errorf("add-on %s has no pinned version", name)
				}
			}
			if v.KubectlLayerPackage == "" {
				t.Error("no kubectl layer")
			}
		})
	}
}
