package envs

import (
	"os"
	"strings"
	"testing"
)

func TestCheckUpgrade(t *testing.T) {
	data, err := os.ReadFile("prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("prd.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	asDeployed := func(edit func(*DeployedCluster)) Deployed {
		c := DeployedCluster{Version: "1.34", ServiceCidr: "10.100.0.0/16", NodeGroups: map[string]DeployedNodeGroup{
			"general-1-33": {AmiType: "AL2023_x86_64_STANDARD", CapacityType: "ON_DEMAND", InstanceTypes: []string{"m7i.2xlarge"}},
			"general-1-34": {AmiType: "AL2023_x86_64_STANDARD", CapacityType: "ON_DEMAND", InstanceTypes: []string{"m7i.2xlarge"}},
		}}
		edit(&c)
		return Deployed{Clusters: map[string]DeployedCluster{"blue": c}}
	}
	for _, tc := range []struct {
		name     string
		deployed Deployed
		want     string // "" means no error
	}{
		{"unchanged", asDeployed(func(*DeployedCluster) {}), ""},
		{"one minor up", asDeployed(func(c *DeployedCluster) { c.Version = "1.33" }), ""},
		{"a new cluster", Deployed{}, ""},
		{"skips a minor", asDeployed(func(c *DeployedCluster) { c.Version = "1.32" }),
			`prd.yaml:28: clusters[0].version: moves from 1.32 to 1.34: EKS upgrades one minor at a time; set "1.33", deploy, then continue`},
		{"service range changed", asDeployed(func(c *DeployedCluster) { c.ServiceCidr = "172.20.0.0/16" }),
			"clusters[0].serviceCidr: moves from 172.20.0.0/16 to 10.100.0.0/16: EKS sets the service range only when it creates a cluster, so CloudFormation would replace this one"},
		{"service range set on a cluster EKS chose one for", asDeployed(func(c *DeployedCluster) { c.ServiceCidr = "" }),
			"clusters[0].serviceCidr: moves from the range EKS picked to 10.100.0.0/16"},
		{"goes back", asDeployed(func(c *DeployedCluster) { c.Version = "1.35" }),
			"clusters[0].version: moves back from 1.35 to 1.34: EKS cannot downgrade"},
		{"instance types edited in place", asDeployed(func(c *DeployedCluster) {
			c.NodeGroups["general-1-34"] = DeployedNodeGroup{AmiType: "AL2023_x86_64_STANDARD", CapacityType: "ON_DEMAND", InstanceTypes: []string{"m6i.2xlarge"}}
		}), "clusters[0].nodeGroups[1].instanceTypes: changing instanceTypes of node group general-1-34 from [m6i.2xlarge] to [m7i.2xlarge] makes CloudFormation replace it in place"},
		{"capacity type edited in place", asDeployed(func(c *DeployedCluster) {
			c.NodeGroups["general-1-33"] = DeployedNodeGroup{AmiType: "AL2023_x86_64_STANDARD", CapacityType: "SPOT", InstanceTypes: []string{"m7i.2xlarge"}}
		}), "clusters[0].nodeGroups[0].capacityType: changing capacityType of node group general-1-33 from SPOT to ON_DEMAND"},
		{"AMI edited in place", asDeployed(func(c *DeployedCluster) {
			c.NodeGroups["general-1-34"] = DeployedNodeGroup{AmiType: "BOTTLEROCKET_x86_64", CapacityType: "ON_DEMAND", InstanceTypes: []string{"m7i.2xlarge"}}
		}), "clusters[0].nodeGroups[1].amiType: changing amiType of node group general-1-34 from BOTTLEROCKET_x86_64 to AL2023_x86_64_STANDARD"},
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
