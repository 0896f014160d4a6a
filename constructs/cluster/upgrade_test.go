package cluster

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

type resource struct {
	logicalID string
	props     map[string]any
}

// nodegroups maps each node group's node-group label to its resource.
func nodegroups(tmpl assertions.Template) map[string]resource {
	out := map[string]resource{}
	for id, r := range *tmpl.FindResources(jsii.String("AWS::EKS::Nodegroup"), nil) {
		props := (*r)["Properties"].(map[string]any)
		out[props["Labels"].(map[string]any)[LabelNodeGroup].(string)] = resource{id, props}
	}
	return out
}

func theCluster(t *testing.T, tmpl assertions.Template) resource {
	t.Helper()
	for id, r := range *tmpl.FindResources(jsii.String("AWS::EKS::Cluster"), nil) {
		return resource{id, (*r)["Properties"].(map[string]any)}
	}
	t.Fatal("no cluster")
	return resource{}
}

// changedKeys lists the properties that differ between a and b.
func changedKeys(a, b map[string]any) []string {
	var keys []string
	for k := range a {
		if !reflect.DeepEqual(a[k], b[k]) {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// TestThreeStepNodeGroupUpgrade walks a node-group upgrade as config does it
// (add the 1.34 group, drain the 1.33 group, remove it) and proves from the
// templates that no step replaces the cluster or a group it does not touch:
// logical ids stay, and the only edit to an existing group is its taints.
func TestThreeStepNodeGroupUpgrade(t *testing.T) {
	steps := []struct {
		name   string
		groups []groupSpec
	}{
		{"before: 1.33 nodes on a 1.34 control plane", []groupSpec{{pool: "general", version: "1.33"}}},
		{"1. add the 1.34 group", []groupSpec{{pool: "general", version: "1.33"}, {pool: "general", version: "1.34"}}},
		{"2. drain the 1.33 group", []groupSpec{{pool: "general", version: "1.33", draining: true}, {pool: "general", version: "1.34"}}},
		{"3. remove the 1.33 group", []groupSpec{{pool: "general", version: "1.34"}}},
	}
	var tmpls []assertions.Template
	for _, s := range steps {
		stack, _ := newClusterStack(t, "1.34", s.groups...)
		tmpls = append(tmpls, constructtest.Template(t, stack))
	}
	for i := 1; i < len(steps); i++ {
		t.Run(steps[i].name, func(t *testing.T) {
			before, after := tmpls[i-1], tmpls[i]
			cb, ca := theCluster(t, before), theCluster(t, after)
			if cb.logicalID != ca.logicalID || len(changedKeys(cb.props, ca.props)) > 0 {
				t.Errorf("the cluster changed: %s -> %s, properties %v", cb.logicalID, ca.logicalID, changedKeys(cb.props, ca.props))
			}
			nb, na := nodegroups(before), nodegroups(after)
			for id, b := range nb {
				a, kept := na[id]
				if !kept {
					continue // removed on purpose in step 3
				}
				if a.logicalID != b.logicalID {
					t.Errorf("%s: logical id %s -> %s: CloudFormation would replace it", id, b.logicalID, a.logicalID)
				}
				changed := changedKeys(b.props, a.props)
				if i == 2 && id == "general-1-33" {
					if !reflect.DeepEqual(changed, []string{"Taints"}) {
						t.Errorf("draining %s changed %v, want only Taints (updated in place)", id, changed)
					}
					taints, _ := json.Marshal(a.props["Taints"])
					if string(taints) != `[{"Effect":"NO_SCHEDULE","Key":"platform.ecplatform.io/draining","Value":"true"}]` {
						t.Errorf("draining taint = %s", taints)
					}
					continue
				}
				if len(changed) > 0 {
					t.Errorf("%s is untouched by this step but its properties %v changed", id, changed)
				}
			}
		})
	}
	if _, ok := nodegroups(tmpls[3])["general-1-33"]; ok {
		t.Error("step 3 still has the 1.33 group")
	}
}

// TestNamedNodeGroupUpgradesInPlace is the in-place strategy: a named
// group's version moves from 1.33 to 1.34 and CloudFormation updates the
// same node group (EKS rolls its nodes a few at a time), its name and
// logical id kept, only its version and version label changed.
func TestNamedNodeGroupUpgradesInPlace(t *testing.T) {
	before, _ := newClusterStack(t, "1.34", groupSpec{name: "general", pool: "general", version: "1.33"})
	after, _ := newClusterStack(t, "1.34", groupSpec{name: "general", pool: "general", version: "1.34"})
	b, a := nodegroups(constructtest.Template(t, before))["general"], nodegroups(constructtest.Template(t, after))["general"]
	if b.logicalID == "" || b.logicalID != a.logicalID {
		t.Fatalf("logical id %q -> %q: the group would be replaced, not upgraded", b.logicalID, a.logicalID)
	}
	if got := changedKeys(b.props, a.props); !reflect.DeepEqual(got, []string{"Labels", "Version"}) {
		t.Errorf("changed %v, want Labels and Version only", got)
	}
	if a.props["Version"] != "1.34" || a.props["Labels"].(map[string]any)[LabelKubeVersion] != "1.34" {
		t.Errorf("after the bump: Version %v, label %v", a.props["Version"], a.props["Labels"])
	}
}

// TestCDKValuesOfSpec checks what the package makes of spec's plain
// values when it builds: each version is the awseksv2 version of its minor,
// each AMI type one of awseksv2's members.
func TestCDKValuesOfSpec(t *testing.T) {
	for _, minor := range spec.SupportedVersions() {
		t.Run(minor, func(t *testing.T) {
			if got := *kubernetesVersion(mustVersion(minor)).Version(); got != minor {
				t.Errorf("awseksv2 version is %s", got)
			}
		})
	}
	members := []awseksv2.NodegroupAmiType{
		awseksv2.NodegroupAmiType_AL2023_X86_64_STANDARD, awseksv2.NodegroupAmiType_AL2023_ARM_64_STANDARD,
		awseksv2.NodegroupAmiType_BOTTLEROCKET_X86_64, awseksv2.NodegroupAmiType_BOTTLEROCKET_ARM_64,
	}
	for _, a := range spec.AmiTypes {
		t.Run(a.Name, func(t *testing.T) {
			if got := NodegroupAmiType(a.Name); !slices.Contains(members, got) {
				t.Errorf("NodegroupAmiType(%s) = %s, not an awseksv2 member", a.Name, got)
			}
			if got, ok := amiOf(NodegroupAmiType(a.Name)); !ok || got != a {
				t.Errorf("amiOf(%s) = %v, %v", a.Name, got, ok)
			}
		})
	}
}

func TestVersionedNodeGroupPropsValidate(t *testing.T) {
	valid := VersionedNodeGroupProps{Pool: "general", Version: "1.34", AmiType: NodegroupAmiType(spec.AmiTypes[0].Name), InstanceTypes: []string{"m7i.large"}, MinSize: 2, DesiredSize: 2, MaxSize: 4}
	for _, tc := range []struct {
		name   string
		mutate func(*VersionedNodeGroupProps)
		want   string
	}{
		{"max below min", func(p *VersionedNodeGroupProps) { p.MinSize, p.MaxSize = 3, 2 }, "maxSize: must be >= minSize (3), got 2"},
		{"unknown version", func(p *VersionedNodeGroupProps) { p.Version = "1.20" }, `version: must be one of [1.32 1.33 1.34 1.35], got "1.20"`},
		{"AL2", func(p *VersionedNodeGroupProps) { p.AmiType = "AL2_X86_64" }, "amiType: must be an AL2023 or Bottlerocket AMI type"},
		{"reserved label", func(p *VersionedNodeGroupProps) { p.Labels = map[string]string{LabelPool: "x"} }, "reserved prefix"},
		{"bad name", func(p *VersionedNodeGroupProps) { p.Name = "General_1" }, `name: must be 2-40 lowercase letters, digits or -, starting with a letter, got "General_1"`},
		{"no vpc-cni add-on", func(p *VersionedNodeGroupProps) { p.NetworkAddon = nil }, "networkAddon: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid
			tc.mutate(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
