package test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/spec"
)

// addonNamespaces is where each managed add-on with a Pod Identity
// association runs its service accounts: an add-on's association names
// only the service account.
var addonNamespaces = map[string]string{
	spec.AddonVpcCni:                  "kube-system",
	spec.AddonEbsCsiDriver:            "kube-system",
	spec.AddonCloudWatchObservability: "amazon-cloudwatch",
}

// podIdentityUse is who a Pod Identity association hands a role to.
type podIdentityUse struct{ Cluster, Namespace, ServiceAccount string }

func (u podIdentityUse) String() string {
	return fmt.Sprintf("%s/%s in %s", u.Namespace, u.ServiceAccount, u.Cluster)
}

func comparePodIdentityUse(a, b podIdentityUse) int { return strings.Compare(a.String(), b.String()) }

// trustedClusters are the clusters a trust's cluster ARN condition names:
// a cluster of the same template (its logical id) or literal ARNs, one or
// a list (a service on several clusters), by cluster name.
func trustedClusters(v any) []string {
	values, ok := v.([]any)
	if !ok {
		values = []any{v}
	}
	var out []string
	for _, v := range values {
		if v == nil {
			continue
		}
		r := catalogcheck.Render(v)
		if _, name, ok := strings.Cut(r, ":cluster/"); ok && strings.HasPrefix(r, "arn:") {
			out = append(out, name)
			continue
		}
		out = append(out, strings.TrimSuffix(strings.Trim(r, "<>"), ".Arn"))
	}
	return out
}

// podIdentityUses maps each role a template's Pod Identity associations
// (their own resources and those of add-ons) hand out to who gets it.
// Clusters are logical ids, or names where the association names one.
func podIdentityUses(t *testing.T, tmpl map[string]any) map[string][]podIdentityUse {
	t.Helper()
	uses := map[string][]podIdentityUse{}
	roleOf := func(v any) string { return strings.TrimSuffix(strings.Trim(catalogcheck.Render(v), "<>"), ".Arn") }
	for id, p := range resourcesOf(tmpl, "AWS::EKS::PodIdentityAssociation") {
		cl := strings.Trim(catalogcheck.Render(p["ClusterName"]), "<>")
		uses[roleOf(p["RoleArn"])] = append(uses[roleOf(p["RoleArn"])], podIdentityUse{cl, catalogcheck.Render(p["Namespace"]), catalogcheck.Render(p["ServiceAccount"])})
		if cl == "" {
			t.Errorf("%s: association without a cluster", id)
		}
	}
	for id, p := range resourcesOf(tmpl, "AWS::EKS::Addon") {
		assocs, _ := p["PodIdentityAssociations"].([]any)
		if len(assocs) == 0 {
			continue
		}
		ns, ok := addonNamespaces[catalogcheck.Render(p["AddonName"])]
		if !ok {
			t.Errorf("%s: add-on %s has Pod Identity associations but the test does not know its namespace", id, catalogcheck.Render(p["AddonName"]))
		}
		for _, a := range assocs {
			a := a.(map[string]any)
			uses[roleOf(a["RoleArn"])] = append(uses[roleOf(a["RoleArn"])], podIdentityUse{strings.Trim(catalogcheck.Render(p["ClusterName"]), "<>"), ns, catalogcheck.Render(a["ServiceAccount"])})
		}
	}
	return uses
}

// TestPodIdentityRolesTrustOnlyTheirServiceAccount checks, on every env as
// it deploys, every role EKS Pod Identity may assume: its trust allows the
// Pod Identity service only with the session tags of one cluster, one
// namespace and one service account, and those are exactly what the
// association handing it out names (a mismatch would leave the pods without
// credentials). Every association hands out such a role.
func TestPodIdentityRolesTrustOnlyTheirServiceAccount(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			checked := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				uses := podIdentityUses(t, tmpl)
				trusted := map[string]bool{}
				for id, p := range resourcesOf(tmpl, "AWS::IAM::Role") {
					var doc struct {
						Statement []struct {
							Effect    string
							Principal map[string]any
							Action    any
							Condition map[string]map[string]any
						}
					}
					data, _ := json.Marshal(p["AssumeRolePolicyDocument"])
					if err := json.Unmarshal(data, &doc); err != nil {
						t.Fatal(err)
					}
					for _, s := range doc.Statement {
						if !strings.Contains(catalogcheck.Render(s.Principal["Service"]), cluster.PodIdentityService) {
							continue
						}
						checked++
						trusted[id] = true
						if s.Effect != "Allow" {
							continue
						}
						eq := s.Condition["StringEquals"]
						got := podIdentityUse{
							Namespace:      catalogcheck.Render(eq["aws:RequestTag/"+cluster.SessionTagNamespace]),
							ServiceAccount: catalogcheck.Render(eq["aws:RequestTag/"+cluster.SessionTagServiceAccount]),
						}
						var want []podIdentityUse
						for _, c := range trustedClusters(eq["aws:RequestTag/"+cluster.SessionTagClusterArn]) {
							got.Cluster = c
							want = append(want, got)
						}
						if eq == nil || len(want) == 0 || got.Namespace == "<nil>" || got.ServiceAccount == "<nil>" {
							t.Errorf("%s %s: trusts %s without conditions on the cluster, namespace and service account session tags: %v", stack, id, cluster.PodIdentityService, s.Condition)
							continue
						}
						if len(s.Condition) != 1 || len(eq) != 3 {
							t.Errorf("%s %s: trust conditions %v, want exactly the three session tags", stack, id, s.Condition)
						}
						u := slices.Clone(uses[id])
						slices.SortFunc(u, comparePodIdentityUse)
						slices.SortFunc(want, comparePodIdentityUse)
						if !slices.Equal(u, want) {
							t.Errorf("%s %s: trusts %v, but Pod Identity associations hand it to %v", stack, id, want, u)
						}
					}
				}
				for role, u := range uses {
					if !trusted[role] {
						t.Errorf("%s: associations hand %s to %v, but it does not trust %s", stack, role, u, cluster.PodIdentityService)
					}
				}
			}
			// Per cluster: the Load Balancer Controller, the VPC CNI, the
			// EBS CSI driver and the log shipper.
			if want := 4 * len(cfg.Clusters); checked < want {
				t.Errorf("%d Pod Identity roles checked, want at least %d", checked, want)
			}
		})
	}
}

// TestNodesLeaveTheCniToPodIdentity checks every node group of every env as
// it deploys: its role carries no AmazonEKS_CNI_Policy, its cluster's
// vpc-cni add-on gives aws-node a role with it through Pod Identity, the
// group and its role wait for that add-on, and its launch template turns
// on detailed monitoring (Control Tower CT.EC2.PR.10).
func TestNodesLeaveTheCniToPodIdentity(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			groups := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				all, _ := tmpl["Resources"].(map[string]any)
				dependsOn := func(id string) []any { d, _ := all[id].(map[string]any)["DependsOn"].([]any); return d }
				managedPolicies := func(id string) string {
					p, _ := all[id].(map[string]any)["Properties"].(map[string]any)
					data, _ := json.Marshal(p["ManagedPolicyArns"])
					return string(data)
				}
				cniAddons := map[string]string{} // cluster logical id: add-on logical id
				for id, p := range resourcesOf(tmpl, "AWS::EKS::Addon") {
					if catalogcheck.Render(p["AddonName"]) != spec.AddonVpcCni {
						continue
					}
					cl := strings.Trim(catalogcheck.Render(p["ClusterName"]), "<>")
					cniAddons[cl] = id
					assocs, _ := p["PodIdentityAssociations"].([]any)
					if len(assocs) != 1 || assocs[0].(map[string]any)["ServiceAccount"] != "aws-node" {
						t.Errorf("%s %s: Pod Identity associations %v, want one for aws-node", stack, id, assocs)
						continue
					}
					role := strings.TrimSuffix(strings.Trim(catalogcheck.Render(assocs[0].(map[string]any)["RoleArn"]), "<>"), ".Arn")
					if !strings.Contains(managedPolicies(role), "/AmazonEKS_CNI_Policy\"") {
						t.Errorf("%s %s: aws-node's role %s lacks AmazonEKS_CNI_Policy: %s", stack, id, role, managedPolicies(role))
					}
				}
				for id, p := range resourcesOf(tmpl, "AWS::EKS::Nodegroup") {
					groups++
					role := strings.TrimSuffix(strings.Trim(catalogcheck.Render(p["NodeRole"]), "<>"), ".Arn")
					if strings.Contains(managedPolicies(role), "AmazonEKS_CNI_Policy") {
						t.Errorf("%s %s: node role %s carries AmazonEKS_CNI_Policy", stack, id, role)
					}
					cni, ok := cniAddons[strings.Trim(catalogcheck.Render(p["ClusterName"]), "<>")]
					if !ok {
						t.Errorf("%s %s: its cluster has no vpc-cni add-on", stack, id)
					}
					for _, r := range []string{id, role} {
						if !slices.Contains(dependsOn(r), any(cni)) {
							t.Errorf("%s %s: does not wait for the vpc-cni add-on %s: DependsOn %v", stack, r, cni, dependsOn(r))
						}
					}
					lt := strings.Trim(catalogcheck.Render(p["LaunchTemplate"].(map[string]any)["Id"]), "<>")
					ltp, _ := all[lt].(map[string]any)["Properties"].(map[string]any)
					if m, _ := ltp["LaunchTemplateData"].(map[string]any)["Monitoring"].(map[string]any); m["Enabled"] != true {
						t.Errorf("%s %s: launch template %s without detailed monitoring (CT.EC2.PR.10): %v", stack, id, lt, m)
					}
				}
			}
			if groups == 0 {
				t.Fatal("no node groups found: the check checked nothing")
			}
		})
	}
}

// TestBoundTargetGroupsAreTheControllers checks, on every env as it
// deploys, that the Load Balancer Controller of a TargetGroupBinding's
// cluster may register targets in the binding's target group: its policy
// allows target groups by the stack CloudFormation tags them with, and
// the target group is created by the stack that holds the binding.
func TestBoundTargetGroupsAreTheControllers(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	targetGroupARN := regexp.MustCompile(`"targetGroupARN":"<([A-Za-z0-9]+)>"`)
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			// allowed: cluster stack → stacks whose target groups its controller may fill.
			allowed := map[string][]string{}
			for stack, tmpl := range tmpls {
				for id, p := range resourcesOf(tmpl, "AWS::IAM::Policy") {
					if !strings.HasPrefix(id, "ClusterLoadBalancerControllerServiceAccountRole") {
						continue
					}
					var doc struct {
						Statement []struct {
							Action    []string
							Condition map[string]map[string][]string
						}
					}
					data, _ := json.Marshal(p["PolicyDocument"])
					if err := json.Unmarshal(data, &doc); err != nil {
						t.Fatalf("%s %s: %v", stack, id, err)
					}
					for _, s := range doc.Statement {
						if slices.Contains(s.Action, "elasticloadbalancing:RegisterTargets") {
							allowed[stack] = append(allowed[stack], s.Condition["StringEquals"]["aws:ResourceTag/"+cluster.StackNameTag]...)
						}
					}
				}
			}
			bindings := 0
			for stack, tmpl := range tmpls {
				groups := resourcesOf(tmpl, "AWS::ElasticLoadBalancingV2::TargetGroup")
				for id, p := range resourcesOf(tmpl, "Custom::AWSCDK-EKS-KubernetesResource") {
					manifest := catalogcheck.Render(p["Manifest"])
					if !strings.Contains(manifest, `"kind":"TargetGroupBinding"`) {
						continue
					}
					bindings++
					m := targetGroupARN.FindStringSubmatch(manifest)
					if m == nil {
						t.Errorf("%s %s: binding to a target group not created in its stack: %s", stack, id, manifest)
						continue
					}
					if _, ok := groups[m[1]]; !ok {
						t.Errorf("%s %s: binds %s, which is no target group of the stack", stack, id, m[1])
					}
					clusterStack, _, _ := strings.Cut(strings.TrimPrefix(catalogcheck.Render(p["ClusterName"]), "<import:"), ":")
					if !slices.Contains(allowed[clusterStack], stack) {
						t.Errorf("%s %s: binds %s to a pod of %s, whose Load Balancer Controller may register targets only in target groups of %v", stack, id, m[1], clusterStack, allowed[clusterStack])
					}
				}
			}
			if bindings == 0 {
				t.Fatal("no TargetGroupBindings found: the check checked nothing")
			}
		})
	}
}
