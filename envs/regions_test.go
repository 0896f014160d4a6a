package envs

import (
	"strings"
	"testing"
)

// TestEveryRegionHasAnImageRegistry: each region config accepts has its
// Amazon EKS image registry account, and a region without one is a config
// error, not a cluster whose controller cannot pull its image.
func TestEveryRegionHasAnImageRegistry(t *testing.T) {
	for region := range regionAZs {
		if !imageRegistryKnown(region) {
			t.Errorf("%s: no Amazon EKS image registry account in spec/registry.go", region)
		}
	}
	t.Run("a region without one", func(t *testing.T) {
		regionAZs["xx-test-1"] = []string{"xx-test-1a", "xx-test-1b", "xx-test-1c"}
		t.Cleanup(func() { delete(regionAZs, "xx-test-1") })
		cfg := &Config{Name: "dev", Account: "210987654321", Region: "xx-test-1", AvailabilityZones: regionAZs["xx-test-1"]}
		var errs ErrorList
		validateIdentity(cfg, &errs)
		want := "region: no Amazon EKS image registry is known for xx-test-1"
		if err := errs.Err(); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want %q", err, want)
		}
	})
}
