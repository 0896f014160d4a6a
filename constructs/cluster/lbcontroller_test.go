package cluster

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// statement is an IAM policy statement as a template holds it.
type statement struct {
	Sid       string
	Effect    string
	Action    []string
	Resource  []any
	Condition map[string]map[string]any
}

// UnmarshalJSON accepts Action and Resource as a string or a list.
func (s *statement) UnmarshalJSON(data []byte) error {
	var raw struct {
		Sid, Effect      string
		Action, Resource any
		Condition        map[string]map[string]any
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	s.Sid, s.Effect, s.Condition = raw.Sid, raw.Effect, raw.Condition
	list := func(v any) []any {
		if l, ok := v.([]any); ok {
			return l
		}
		return []any{v}
	}
	for _, a := range list(raw.Action) {
		s.Action = append(s.Action, a.(string))
	}
	s.Resource = list(raw.Resource)
	return nil
}

// controllerStatements are the statements of the Load Balancer Controller
// role's policies in tmpl.
func controllerStatements(t *testing.T, tmpl assertions.Template) []statement {
	t.Helper()
	var out []statement
	for id, r := range *tmpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
		if !strings.HasPrefix(id, "ClusterLoadBalancerControllerServiceAccountRole") {
			continue
		}
		data, _ := json.Marshal((*r)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"])
		var ss []statement
		if err := json.Unmarshal(data, &ss); err != nil {
			t.Fatal(err)
		}
		out = append(out, ss...)
	}
	if len(out) == 0 {
		t.Fatal("no policy on the Load Balancer Controller's role")
	}
	return out
}

// forbiddenForController are what the controller must never be allowed:
// everything CloudFormation owns at the edge (load balancers, listeners,
// rules, target group settings, the WAF and Shield) and security groups
// of its own. Patterns are IAM action globs.
var forbiddenForController = []struct{ pattern, why string }{
	{"elasticloadbalancing:*Listener*", "listeners are CloudFormation's: rewriting one reroutes or drops traffic"},
	{"elasticloadbalancing:*Rule*", "listener rules are CloudFormation's"},
	{"elasticloadbalancing:Create*", "load balancers and target groups are CloudFormation's"},
	{"elasticloadbalancing:Delete*", "load balancers and target groups are CloudFormation's"},
	{"elasticloadbalancing:Modify*", "load balancer and target group settings are CloudFormation's"},
	{"elasticloadbalancing:Set*", "SetWebAcl, SetSecurityGroups, SetSubnets: the edge is CloudFormation's"},
	{"elasticloadbalancing:AddTags", "the edge's tags are CloudFormation's"},
	{"elasticloadbalancing:RemoveTags", "the edge's tags are CloudFormation's"},
	{"wafv2:*", "the web ACL and its association are CloudFormation's"},
	{"waf-regional:*", "the platform has no WAF Classic"},
	{"waf:*", "the platform has no WAF Classic"},
	{"shield:*", "Shield protections are not the controller's"},
	{"ec2:CreateSecurityGroup", "the controller creates no security group"},
	{"ec2:DeleteSecurityGroup", "the controller deletes no security group"},
	{"ec2:CreateTags", "the controller tags nothing"},
	{"ec2:DeleteTags", "the controller tags nothing"},
	{"iam:*", "the controller creates no service-linked role"},
}

// allowedOverlaps reports whether some action matches both the allowed
// action glob a and the forbidden glob f (IAM compares actions without
// case, and * stands for any text, the service's colon included).
func allowedOverlaps(a, f string) bool {
	return globsOverlap(strings.ToLower(a), strings.ToLower(f))
}

func globsOverlap(p, q string) bool {
	switch {
	case p == "" && q == "":
		return true
	case p != "" && p[0] == '*':
		return globsOverlap(p[1:], q) || (q != "" && globsOverlap(p, q[1:]))
	case q != "" && q[0] == '*':
		return globsOverlap(q, p)
	case p == "" || q == "" || p[0] != q[0]:
		return false
	}
	return globsOverlap(p[1:], q[1:])
}

func TestAllowedOverlaps(t *testing.T) {
	for _, tc := range []struct {
		allowed, forbidden string
		want               bool
	}{
		{"elasticloadbalancing:ModifyListener", "elasticloadbalancing:*Listener*", true},
		{"elasticloadbalancing:*", "elasticloadbalancing:*Listener*", true},
		{"*", "shield:*", true},
		{"wafv2:DisassociateWebACL", "wafv2:*", true},
		{"EC2:createsecuritygroup", "ec2:CreateSecurityGroup", true},
		{"elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:*Listener*", false},
		{"elasticloadbalancing:RegisterTargets", "elasticloadbalancing:Modify*", false},
		{"ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", false},
		{"ec2:*SecurityGroup", "ec2:DeleteSecurityGroup", true},
		{"elasticloadbalancing:Describe*", "elasticloadbalancing:Delete*", false},
	} {
		if got := allowedOverlaps(tc.allowed, tc.forbidden); got != tc.want {
			t.Errorf("allowedOverlaps(%q, %q) = %v, want %v", tc.allowed, tc.forbidden, got, tc.want)
		}
	}
}

// TestLoadBalancerController: the controller may do what TargetGroupBinding
// reconciliation needs and nothing CloudFormation owns at the edge, and
// every feature that would need more is off in its chart values.
func TestLoadBalancerController(t *testing.T) {
	stack, _ := newClusterStack(t, "1.34")
	tmpl := constructtest.Template(t, stack)
	statements := controllerStatements(t, tmpl)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	for _, f := range forbiddenForController {
		t.Run("policy allows no "+f.pattern, func(t *testing.T) {
			for _, s := range statements {
				for _, a := range s.Action {
					if s.Effect == "Allow" && allowedOverlaps(a, f.pattern) {
						t.Errorf("statement %q allows %s: %s", s.Sid, a, f.why)
					}
				}
			}
		})
	}
	t.Run("writes only on named resources", func(t *testing.T) {
		for _, s := range statements {
			for _, a := range s.Action {
				_, name, _ := strings.Cut(a, ":")
				if strings.HasPrefix(name, "Describe") {
					continue
				}
				if slices.Contains(s.Resource, any("*")) {
					t.Errorf("statement %q allows %s on *", s.Sid, a)
				}
			}
		}
	})
	cluster := theCluster(t, tmpl).logicalID
	t.Run("security group rules on the cluster security group only", func(t *testing.T) {
		want := "arn:aws:ec2:" + constructtest.Region + ":" + constructtest.Account + ":security-group/<" + cluster + ".ClusterSecurityGroupId>"
		found := 0
		for _, s := range statements {
			if !slices.ContainsFunc(s.Action, func(a string) bool { return strings.Contains(a, "SecurityGroupIngress") }) {
				continue
			}
			found++
			if len(s.Resource) != 1 || catalogcheck.Render(s.Resource[0]) != want {
				t.Errorf("statement %q changes rules on %v, want only %s", s.Sid, s.Resource, want)
			}
			if !slices.Equal(s.Action, []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}) {
				t.Errorf("statement %q allows %v, want ingress rules only", s.Sid, s.Action)
			}
		}
		if found == 0 {
			t.Error("no statement lets the controller open the pods' port to the ALBs: bindings' networking rules would fail")
		}
	})
	t.Run("targets only in target groups of the cluster's edge stacks", func(t *testing.T) {
		found := 0
		for _, s := range statements {
			if !slices.Contains(s.Action, "elasticloadbalancing:RegisterTargets") {
				continue
			}
			found++
			// The fixture's edge is in the cluster's own stack, the default.
			stacks, _ := json.Marshal(s.Condition["StringEquals"]["aws:ResourceTag/"+StackNameTag])
			if string(stacks) != `["Test"]` {
				t.Errorf("statement %q registers targets in target groups of stacks %s, want [\"Test\"]", s.Sid, stacks)
			}
			if len(s.Condition) != 1 || len(s.Condition["StringEquals"]) != 1 {
				t.Errorf("statement %q conditions %v, want the stack name alone", s.Sid, s.Condition)
			}
			want := regexp.MustCompile(`^arn:aws:elasticloadbalancing:` + constructtest.Region + `:` + constructtest.Account + `:targetgroup/\*/\*$`)
			for _, r := range s.Resource {
				if !want.MatchString(catalogcheck.Render(r)) {
					t.Errorf("statement %q registers targets in %v, want target groups of this account and region", s.Sid, r)
				}
			}
		}
		if found == 0 {
			t.Error("no statement lets the controller register targets")
		}
	})
	t.Run("trusted by its own service account only", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Service": PodIdentityService},
				"Action": []any{"sts:AssumeRole", "sts:TagSession"},
				"Condition": map[string]any{"StringEquals": map[string]any{
					"aws:RequestTag/eks-cluster-arn":            map[string]any{"Fn::GetAtt": []any{cluster, "Arn"}},
					"aws:RequestTag/kubernetes-namespace":       "kube-system",
					"aws:RequestTag/kubernetes-service-account": "aws-load-balancer-controller",
				}},
			}}},
		})
	})
	t.Run("features off", func(t *testing.T) { checkFeaturesOff(t, tmpl) })
}

// featureGatesV2171 are the feature gates controller v2.17.1 knows
// (pkg/config/feature_gates.go, NewFeatureGates): it exits at start on any
// other key in --feature-gates.
var featureGatesV2171 = []string{
	"ListenerRulesTagging", "WeightedTargetGroups", "ServiceTypeLoadBalancerOnly", "EndpointsFailOpen",
	"EnableServiceController", "EnableIPTargetType", "EnableRGTAPI", "SubnetsClusterTagCheck",
	"NLBHealthCheckAdvancedConfig", "NLBSecurityGroup", "ALBSingleSubnet", "SubnetDiscoveryByReachability",
	"LBCapacityReservation", "NLBGatewayAPI", "ALBGatewayAPI", "GlobalAcceleratorController",
	"EnableTCPUDPListener", "EnhancedDefaultBehavior", "EnableDefaultTagsLowPriority", "ALBTargetControlAgent",
}

// checkFeaturesOff checks the controller's chart values turn off whatever
// would call AWS beyond its policy, with gates the controller knows.
func checkFeaturesOff(t *testing.T, tmpl assertions.Template) {
	var values map[string]any
	for _, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-HelmChart"), nil) {
		props := (*r)["Properties"].(map[string]any)
		if props["Chart"] != "aws-load-balancer-controller" {
			continue
		}
		if values != nil {
			t.Fatal("two releases of the Load Balancer Controller")
		}
		// Tokens (cluster name, VPC) become placeholders; the rest is JSON.
		rendered := catalogcheck.Render(props["Values"])
		if err := json.Unmarshal([]byte(rendered), &values); err != nil {
			t.Fatalf("chart values: %v: %s", err, rendered)
		}
	}
	if values == nil {
		t.Fatal("no release of the Load Balancer Controller")
	}
	for _, tc := range []struct {
		value string
		want  any
		why   string
	}{
		{"enableWaf", false, "no WAF Classic association from Ingress annotations"},
		{"enableWafv2", false, "no WAFv2 association from Ingress annotations"},
		{"enableShield", false, "no Shield protection from Ingress annotations"},
		{"enableBackendSecurityGroup", false, "no shared backend security group to create"},
		{"createIngressClassResource", false, "no IngressClass selects the controller"},
		{"disableIngressClassAnnotation", true, "no Ingress selects it by annotation"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			if values[tc.value] != tc.want {
				t.Errorf("%s = %v, want %v: %s", tc.value, values[tc.value], tc.want, tc.why)
			}
		})
	}
	gates, _ := values["controllerConfig"].(map[string]any)["featureGates"].(map[string]any)
	for gate, want := range map[string]bool{"EnableServiceController": false, "ALBGatewayAPI": false, "NLBGatewayAPI": false, "GlobalAcceleratorController": false} {
		if gates[gate] != want {
			t.Errorf("feature gate %s = %v, want %v", gate, gates[gate], want)
		}
	}
	for gate := range gates {
		if !slices.Contains(featureGatesV2171, gate) {
			t.Errorf("feature gate %s is unknown to controller %s: it would not start", gate, LoadBalancerControllerVersion)
		}
	}
}

// TestControllerImageRepository: the image comes from the stack region's
// EKS registry, whose account differs by region; a region the table does
// not know, or a stack without a region, fails with the reason.
func TestControllerImageRepository(t *testing.T) {
	agnostic := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Agnostic"), nil)
	for _, tc := range []struct{ name, region, want string }{
		{"Tokyo", "ap-northeast-1", "602401143452.dkr.ecr.ap-northeast-1.amazonaws.com/amazon/aws-load-balancer-controller"},
		{"Cape Town", "af-south-1", "877085696533.dkr.ecr.af-south-1.amazonaws.com/amazon/aws-load-balancer-controller"},
		{"Zurich", "eu-central-2", "900612956339.dkr.ecr.eu-central-2.amazonaws.com/amazon/aws-load-balancer-controller"},
		{"Beijing", "cn-north-1", "918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn/amazon/aws-load-balancer-controller"},
		{"unknown region", "xx-test-1", `error: no Amazon EKS image registry is known for region "xx-test-1"`},
		{"region a token", *agnostic.Region(), "error: the stack needs an explicit region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := controllerImageRepository(tc.region)
			if err != nil {
				got = "error: " + err.Error()
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Fatalf("controllerImageRepository(%q) = %q, want %q", tc.region, got, tc.want)
			}
		})
	}
}
