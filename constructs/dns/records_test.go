package dns

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

// newRecordsTemplate builds blue and green ALBs and the weighted set.
func newRecordsTemplate(t *testing.T, blue, green int) assertions.Template {
	stack := constructtest.NewStack(t)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{AvailabilityZones: jsii.Strings(constructtest.AZs...)})
	var targets []WeightedTarget
	for _, c := range []struct {
		name   string
		weight int
	}{{"blue", blue}, {"green", green}} {
		lb := elbv2.NewApplicationLoadBalancer(stack, jsii.String(c.name), &elbv2.ApplicationLoadBalancerProps{Vpc: vpc, InternetFacing: jsii.Bool(true)})
		targets = append(targets, WeightedTarget{SetIdentifier: c.name, Weight: c.weight, LoadBalancer: lb})
	}
	NewWeightedAliasRecords(stack, "Api", WeightedAliasRecordsProps{
		ZoneID: "Z0123456789ABCDEFGHIJ", ZoneName: "shop.example.com", RecordName: "api.shop.example.com",
		Targets: targets, HealthCheckPath: "/healthz",
	})
	return constructtest.Template(t, stack)
}

func records(tmpl assertions.Template) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range *tmpl.FindResources(jsii.String("AWS::Route53::RecordSet"), nil) {
		out[id] = (*r)["Properties"].(map[string]any)
	}
	return out
}

func TestWeightedAliasRecords(t *testing.T) {
	before := newRecordsTemplate(t, 90, 10)
	t.Run("one weighted alias per cluster with health", func(t *testing.T) {
		for name, w := range map[string]int{"blue": 90, "green": 10} {
			before.HasResourceProperties(jsii.String("AWS::Route53::RecordSet"), map[string]any{
				"Name": "api.shop.example.com", "Type": "A", "SetIdentifier": name, "Weight": w,
				"HostedZoneId":  "Z0123456789ABCDEFGHIJ",
				"AliasTarget":   assertions.Match_ObjectLike(&map[string]any{"EvaluateTargetHealth": true}),
				"HealthCheckId": assertions.Match_AnyValue(),
			})
		}
		before.ResourcePropertiesCountIs(jsii.String("AWS::Route53::HealthCheck"), map[string]any{
			"HealthCheckConfig": assertions.Match_ObjectLike(&map[string]any{"Type": "HTTPS", "ResourcePath": "/healthz", "Port": 443}),
		}, jsii.Number(2))
	})
	t.Run("changing one weight changes only that record", func(t *testing.T) {
		after := newRecordsTemplate(t, 90, 50)
		b, a := records(before), records(after)
		if len(a) != len(b) {
			t.Fatalf("records %d -> %d", len(b), len(a))
		}
		var changed []string
		for id, props := range b {
			if !reflect.DeepEqual(props, a[id]) {
				changed = append(changed, props["SetIdentifier"].(string))
			}
		}
		if strings.Join(changed, ",") != "green" {
			t.Fatalf("changed records %v, want only green", changed)
		}
	})
}

func TestWeightedAliasRecordsPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    WeightedAliasRecordsProps
		want string
	}{
		{"all zero", WeightedAliasRecordsProps{ZoneID: "Z1", ZoneName: "a.com", RecordName: "x.a.com", Targets: []WeightedTarget{{SetIdentifier: "blue", Weight: 0}}}, "all weights are 0"},
		{"weight too high", WeightedAliasRecordsProps{ZoneID: "Z1", ZoneName: "a.com", RecordName: "x.a.com", Targets: []WeightedTarget{{SetIdentifier: "blue", Weight: 256}}}, "targets[0].weight: must be between 0 and 255 inclusive, got 256"},
		{"outside zone", WeightedAliasRecordsProps{ZoneID: "Z1", ZoneName: "a.com", RecordName: "x.b.com", Targets: []WeightedTarget{{SetIdentifier: "blue", Weight: 1}}}, `recordName: "x.b.com" is not inside the zone "a.com"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
