package assembly

import (
	"testing"
)

// TestDeployedFromGolden reads the committed prd snapshot: the baseline the
// upgrade guardrails compare config with.
func TestDeployedFromGolden(t *testing.T) {
	d, err := Deployed("../../test/golden", "prd")
	if err != nil {
		t.Fatal(err)
	}
	blue, ok := d.Clusters["blue"]
	if !d.Known || !ok || blue.Version != "1.34" || blue.ServiceCidr != "10.100.0.0/16" || blue.Weight != 100 || blue.Retiring {
		t.Fatalf("prd blue = %+v, want an active 1.34 cluster at weight 100 with services in 10.100.0.0/16", blue)
	}
	g, ok := blue.NodeGroups["general-1-33"]
	if !ok || g.Pool != "general" || g.Version != "1.33" || !g.Draining || g.AmiType != "AL2023_x86_64_STANDARD" || g.CapacityType != "ON_DEMAND" || len(g.InstanceTypes) != 1 || g.InstanceTypes[0] != "m7i.2xlarge" {
		t.Fatalf("general-1-33 = %+v, want the draining general 1.33 group", g)
	}
	if g := blue.NodeGroups["general-1-34"]; g.Draining || g.Version != "1.34" {
		t.Fatalf("general-1-34 = %+v, want an active 1.34 group", g)
	}
	if _, ok := blue.NodeGroups["batch-1-34"]; !ok {
		t.Fatalf("node groups = %v, want batch-1-34 too", blue.NodeGroups)
	}
	empty, err := Deployed("../../test/golden", "nowhere")
	if err != nil || empty.Known || len(empty.Clusters) != 0 {
		t.Fatalf("a new env has no baseline, got %+v, %v", empty, err)
	}
}
