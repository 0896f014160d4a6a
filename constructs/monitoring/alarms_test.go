package monitoring

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/network"
)

// TestAlbAlarmsNameWhatTheOnCallChecks: an ALB alarm's text sends the
// on-call to the API gateway where config put it (its namespace, the
// Service behind the target group, the health check path), never to the
// defaults, and keeps its id by position so that naming them replaced no
// alarm.
func TestAlbAlarmsNameWhatTheOnCallChecks(t *testing.T) {
	for _, tc := range []struct {
		namespace, stable, canary, path string
	}{
		{"api-gateway", "api-gateway", "api-gateway-canary", "/healthz"},
		{"edge-gw", "kong", "kong-next", "/status/ready"},
	} {
		t.Run(tc.namespace, func(t *testing.T) {
			stack := constructtest.NewStack(t)
			net := network.NewNetwork(stack, "Network", network.NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
			alb := elbv2.NewApplicationLoadBalancer(stack, jsii.String("Alb"), &elbv2.ApplicationLoadBalancerProps{Vpc: net.Vpc})
			group := func(id string) elbv2.ApplicationTargetGroup {
				return elbv2.NewApplicationTargetGroup(stack, jsii.String(id), &elbv2.ApplicationTargetGroupProps{
					Vpc: net.Vpc, Port: jsii.Number(8080), TargetType: elbv2.TargetType_IP,
				})
			}
			stable, canary := group("Stable"), group("Canary")
			// A target group's metrics need its load balancer.
			alb.AddListener(jsii.String("Http"), &elbv2.BaseApplicationListenerProps{
				Port: jsii.Number(80),
				DefaultAction: elbv2.ListenerAction_WeightedForward(&[]*elbv2.WeightedTargetGroup{
					{TargetGroup: stable, Weight: jsii.Number(90)}, {TargetGroup: canary, Weight: jsii.Number(10)},
				}, nil),
			})
			topic := awssns.NewTopic(stack, jsii.String("Topic"), nil)
			NewAlbAlarms(stack, "Alarms", AlbAlarmsProps{
				Name: "prd blue external", LoadBalancer: alb, Action: awscloudwatchactions.NewSnsAction(topic),
				Targets:             []AlbTarget{{Group: stable, Service: tc.stable}, {Group: canary, Service: tc.canary}},
				ApiGatewayNamespace: tc.namespace, HealthCheckPath: tc.path,
				ErrorsQuery: "errors per service and cluster", AlertingLogGroup: "/platform/prd/alerting",
			})
			alarms := constructtest.Template(t, stack).FindResources(jsii.String("AWS::CloudWatch::Alarm"), nil)
			want := map[string][]string{
				"Elb5xx":     {"kubectl -n " + tc.namespace + " get pods", "kubectl -n " + tc.namespace + " get targetgroupbindings"},
				"Target5xx0": {tc.namespace + "/" + tc.stable, "get endpoints " + tc.stable, `saved query "errors per service and cluster" on /platform/prd/alerting`},
				"Target5xx1": {tc.namespace + "/" + tc.canary, "get endpoints " + tc.canary, `saved query "errors per service and cluster" on /platform/prd/alerting`},
				"Unhealthy0": {tc.namespace + "/" + tc.stable, "GET " + tc.path},
				"Unhealthy1": {tc.namespace + "/" + tc.canary, "GET " + tc.path},
			}
			if len(*alarms) != len(want) {
				t.Fatalf("%d alarms, want %d", len(*alarms), len(want))
			}
			for id, a := range *alarms {
				text := (*a)["Properties"].(map[string]any)["AlarmDescription"].(string)
				matched := false
				for short, phrases := range want {
					if !strings.HasPrefix(id, "Alarms"+short) {
						continue
					}
					matched = true
					for _, p := range phrases {
						if !strings.Contains(text, p) {
							t.Errorf("%s: %q lacks %q", id, text, p)
						}
					}
				}
				if !matched {
					t.Errorf("alarm %s: not one of %v", id, want)
				}
				if tc.namespace != "api-gateway" && strings.Contains(text, "api-gateway") {
					t.Errorf("%s names the default namespace, not config's: %q", id, text)
				}
			}
		})
	}
}

func TestAlbAlarmsPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*AlbAlarmsProps)
		want   string
	}{
		{"no namespace", func(p *AlbAlarmsProps) { p.ApiGatewayNamespace = "" }, `apiGatewayNamespace: must be a Kubernetes namespace, got ""`},
		{"relative health path", func(p *AlbAlarmsProps) { p.HealthCheckPath = "healthz" }, `healthCheckPath: must be a path such as /healthz, got "healthz"`},
		{"target without its Service", func(p *AlbAlarmsProps) { p.Targets = []AlbTarget{{}} }, `targets[0]: a target group and the Service it forwards to (a DNS label), got ""`},
		{"nothing to alarm on", func(p *AlbAlarmsProps) { p.LoadBalancer = nil }, "name, loadBalancer and action: required"},
		{"no saved query to send the on-call to", func(p *AlbAlarmsProps) { p.ErrorsQuery = "" }, "errorsQuery and alertingLogGroup: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := AlbAlarmsProps{Name: "x", ApiGatewayNamespace: "api-gateway", HealthCheckPath: "/healthz", ErrorsQuery: "q", AlertingLogGroup: "/g"}
			tc.mutate(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
