package envs

import (
	"os"
	"strings"
	"testing"
)

// TestCheckUpgrade checks each guardrail against prd's config and a
// deployed state edited to make the config's edit unsafe (or safe).
func TestCheckUpgrade(t *testing.T) {
	data, err := os.ReadFile("prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("prd.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	group := func(pool, version string, draining bool, instances ...string) DeployedNodeGroup {
		ami := "AL2023_x86_64_STANDARD"
		if pool == "batch" {
			ami = "BOTTLEROCKET_ARM_64"
		}
		capacity := "ON_DEMAND"
		if pool == "batch" {
			capacity = "SPOT"
		}
		return DeployedNodeGroup{Pool: pool, Version: version, Draining: draining, AmiType: ami, CapacityType: capacity, InstanceTypes: instances}
	}
	asDeployed := func(edit func(*DeployedCluster)) Deployed {
		c := DeployedCluster{Version: "1.34", ServiceCidr: "10.100.0.0/16", Weight: 100, NodeGroups: map[string]DeployedNodeGroup{
			"general-1-33": group("general", "1.33", true, "m7i.2xlarge"),
			"general-1-34": group("general", "1.34", false, "m7i.2xlarge"),
			"batch-1-34":   group("batch", "1.34", false, "c7g.2xlarge", "c6g.2xlarge"),
		}}
		edit(&c)
		return Deployed{Known: true, Clusters: map[string]DeployedCluster{"blue": c}}
	}
	for _, tc := range []struct {
		name     string
		deployed Deployed
		want     string // "" means no error
	}{
		{"unchanged", asDeployed(func(*DeployedCluster) {}), ""},
		{"never deployed", Deployed{}, ""},
		{"one minor up", asDeployed(func(c *DeployedCluster) { c.Version = "1.33" }), ""},
		{"a new cluster", Deployed{Known: true}, "edge.clusterWeights[\"blue\"]: moves from 0 to 100, more than edge.maxWeightStep (50) at once"},
		{"skips a minor", asDeployed(func(c *DeployedCluster) { c.Version = "1.32" }),
			`prd.yaml:32: clusters[0].version: moves from 1.32 to 1.34: EKS upgrades one minor at a time; set "1.33", deploy, then continue`},
		{"goes back", asDeployed(func(c *DeployedCluster) { c.Version = "1.35" }),
			"clusters[0].version: moves back from 1.35 to 1.34: EKS cannot downgrade"},
		{"service range changed", asDeployed(func(c *DeployedCluster) { c.ServiceCidr = "172.20.0.0/16" }),
			"clusters[0].serviceCidr: moves from 172.20.0.0/16 to 10.100.0.0/16: EKS sets the service range only when it creates a cluster, so CloudFormation would replace this one"},
		{"service range set on a cluster EKS chose one for", asDeployed(func(c *DeployedCluster) { c.ServiceCidr = "" }),
			"clusters[0].serviceCidr: moves from the range EKS picked to 10.100.0.0/16"},
		{"instance types edited in place", asDeployed(func(c *DeployedCluster) {
			c.NodeGroups["general-1-34"] = group("general", "1.34", false, "m6i.2xlarge")
		}), "clusters[0].nodeGroups[1].instanceTypes: changing instanceTypes of node group general-1-34 from [m6i.2xlarge] to [m7i.2xlarge] makes CloudFormation replace it in place"},
		{"capacity type edited in place", asDeployed(func(c *DeployedCluster) {
			g := c.NodeGroups["general-1-33"]
			g.CapacityType = "SPOT"
			c.NodeGroups["general-1-33"] = g
		}), "clusters[0].nodeGroups[0].capacityType: changing capacityType of node group general-1-33 from SPOT to ON_DEMAND"},
		{"AMI edited in place", asDeployed(func(c *DeployedCluster) {
			g := c.NodeGroups["general-1-34"]
			g.AmiType = "BOTTLEROCKET_x86_64"
			c.NodeGroups["general-1-34"] = g
		}), "clusters[0].nodeGroups[1].amiType: changing amiType of node group general-1-34 from BOTTLEROCKET_x86_64 to AL2023_x86_64_STANDARD"},
		{"pool renamed", asDeployed(func(c *DeployedCluster) {
			g := c.NodeGroups["batch-1-34"]
			g.Pool = "jobs"
			c.NodeGroups["batch-1-34"] = g
		}), "clusters[0].nodeGroups[2].pool: moves node group batch-1-34 from pool jobs to batch: the pods that select pool jobs lose its nodes"},
		{"node group version goes back", asDeployed(func(c *DeployedCluster) {
			g := c.NodeGroups["general-1-34"]
			g.Version = "1.35"
			c.NodeGroups["general-1-34"] = g
		}), "clusters[0].nodeGroups[1].version: moves node group general-1-34 back from 1.35 to 1.34: EKS cannot downgrade a node group"},
		{"a drained group removed", asDeployed(func(c *DeployedCluster) { c.NodeGroups["general-1-32"] = group("general", "1.32", true, "m7i.2xlarge") }), ""},
		{"a serving group removed", asDeployed(func(c *DeployedCluster) { c.NodeGroups["web-1-34"] = group("web", "1.34", false, "m7i.large") }),
			"clusters[0].nodeGroups: node group web-1-34 (pool web, 1.34) is gone from config but its nodes still take pods in what is deployed: set its state: draining, deploy, move its pods (kubectl rollout restart), then remove it"},
		{"a retired cluster removed", Deployed{Known: true, Clusters: map[string]DeployedCluster{
			"blue":  asDeployed(func(*DeployedCluster) {}).Clusters["blue"],
			"green": {Version: "1.33", Retiring: true, Weight: 0},
		}}, ""},
		{"a serving cluster removed", Deployed{Known: true, Clusters: map[string]DeployedCluster{
			"blue":  asDeployed(func(c *DeployedCluster) { c.Weight = 60 }).Clusters["blue"],
			"green": {Version: "1.33", Weight: 40},
		}}, "clusters: cluster green is gone from config but still serves (deployed at Route 53 weight 40, active): set its state: retiring and edge.clusterWeights.green: 0, deploy, then remove it"},
		{"a retiring cluster removed while it still had weight", Deployed{Known: true, Clusters: map[string]DeployedCluster{
			"blue":  asDeployed(func(c *DeployedCluster) { c.Weight = 90 }).Clusters["blue"],
			"green": {Version: "1.33", Retiring: true, Weight: 10},
		}}, "cluster green is gone from config but still serves (deployed at Route 53 weight 10, retiring)"},
		{"weight jump", asDeployed(func(c *DeployedCluster) { c.Weight = 10 }),
			`edge.clusterWeights["blue"]: moves from 10 to 100, more than edge.maxWeightStep (50) at once: move it by at most 50, deploy, watch the canaries and alarms, then continue`},
		{"weight step within the limit", asDeployed(func(c *DeployedCluster) { c.Weight = 50 }), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := CheckUpgrade(cfg, tc.deployed)
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("CheckUpgrade = %v, want no error", errs.Err())
				}
				return
			}
			if len(errs) == 0 || !strings.Contains(errs.Err().Error(), tc.want) {
				t.Fatalf("CheckUpgrade = %v, want %q", errs.Err(), tc.want)
			}
		})
	}
}
