package edge

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// LabelAlb is set on every TargetGroupBinding: which ALB it feeds.
const LabelAlb = "platform.ecplatform.io/alb"

// Service is the in-cluster API gateway Service the targets bind to.
type Service struct {
	Namespace, Name string
	// Port is the Service port (and pod target port) the ALB sends to.
	Port int
}

// WeightedTargetsProps configures WeightedTargets.
type WeightedTargetsProps struct {
	// Name tells this ALB's bindings apart from another ALB's bindings of
	// the same Services, e.g. external or internal: the bindings are
	// named <service>-<name>, one Kubernetes object per ALB and Service.
	// Required, a DNS label.
	Name string
	// Alb is the load balancer whose HTTPS listener forwards here. Required.
	Alb *Alb
	// Cluster runs the API gateway; its kubectl applies the bindings. Required.
	Cluster awseksv2.ICluster
	// PodSecurityGroup is attached to the pods (the cluster security group
	// for managed node groups). Required.
	PodSecurityGroup awsec2.ISecurityGroup
	// Controller is the AWS Load Balancer Controller: the bindings are
	// applied after it. Required.
	Controller constructs.IConstruct
	// Namespace, when the platform creates the Services' namespace, is
	// applied before the bindings: kubectl cannot create an object in a
	// namespace that does not exist yet.
	// @default - the namespace exists before the first deploy
	Namespace constructs.IConstruct
	// Stable and Canary are the API gateway's two releases.
	Stable, Canary Service
	// StableWeight and CanaryWeight split traffic, 0..100 each, summing to 100.
	StableWeight, CanaryWeight int
	// HealthCheckPath is probed on each pod. @default spec.DefaultHealthCheckPath
	HealthCheckPath string
}

// Validate reports every problem with the props.
func (p WeightedTargetsProps) Validate() error {
	var errs []error
	if p.Alb == nil || p.Cluster == nil || p.PodSecurityGroup == nil || p.Controller == nil {
		errs = append(errs, errors.New("alb, cluster, podSecurityGroup and controller: required"))
	}
	for _, w := range []struct {
		name  string
		value int
	}{{"stableWeight", p.StableWeight}, {"canaryWeight", p.CanaryWeight}} {
		if w.value < 0 || w.value > 100 {
			errs = append(errs, fmt.Errorf("%s: must be between 0 and 100, got %d", w.name, w.value))
		}
	}
	if p.StableWeight+p.CanaryWeight != 100 {
		errs = append(errs, fmt.Errorf("stableWeight + canaryWeight: must sum to 100, got %d", p.StableWeight+p.CanaryWeight))
	}
	if !spec.IsDNSLabel(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be a DNS label such as external, got %q", p.Name))
	}
	for _, r := range []struct {
		role string
		svc  Service
	}{{"stable", p.Stable}, {"canary", p.Canary}} {
		if s := r.svc; !spec.IsDNSLabel(s.Namespace) || !spec.IsDNSLabel(s.Name) || s.Port < 1 || s.Port > 65535 {
			errs = append(errs, fmt.Errorf("%s: needs a namespace, name (DNS labels) and port 1-65535, got %+v", r.role, s))
		}
	}
	if p.Stable.Namespace == p.Canary.Namespace && p.Stable.Name == p.Canary.Name {
		errs = append(errs, fmt.Errorf("stable and canary: must be two Services, both are %s/%s", p.Stable.Namespace, p.Stable.Name))
	}
	return errors.Join(errs...)
}

// bindingName is the TargetGroupBinding's name for svc: unique per ALB and
// Service in the Service's namespace, so two ALBs never overwrite each
// other's binding. Two DNS labels joined by a dash are always a valid
// object name (a DNS subdomain of at most 253 characters).
func (p WeightedTargetsProps) bindingName(svc Service) string {
	return svc.Name + "-" + p.Name
}

// WeightedTargets is the API gateway's own canary at the load balancer: two
// IP target groups (stable and canary) that the HTTPS listener forwards to
// by weight, each bound to its Service's pods by a TargetGroupBinding the
// AWS Load Balancer Controller reconciles, so that deploying the API gateway
// needs no extra wiring. The ALB may reach the pods on the target port and
// nothing else: its egress rule here, the pods' ingress rule in each binding.
type WeightedTargets struct {
	constructs.Construct
	Stable, Canary elbv2.ApplicationTargetGroup
	// Bindings are the TargetGroupBinding names, stable first, in the
	// Services' namespace.
	Bindings []string
}

// NewWeightedTargets provisions the targets; it panics on invalid props.
func NewWeightedTargets(scope constructs.Construct, id string, props WeightedTargetsProps) *WeightedTargets {
	if props.HealthCheckPath == "" {
		props.HealthCheckPath = spec.DefaultHealthCheckPath
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	w := &WeightedTargets{Construct: self}
	vpc := props.Alb.LoadBalancer.Vpc()
	newGroup := func(role string, svc Service) elbv2.ApplicationTargetGroup {
		tg := elbv2.NewApplicationTargetGroup(self, jsii.String(role), &elbv2.ApplicationTargetGroupProps{
			Vpc:        vpc,
			TargetType: elbv2.TargetType_IP,
			Port:       jsii.Number(svc.Port),
			Protocol:   elbv2.ApplicationProtocol_HTTP,
			HealthCheck: &elbv2.HealthCheck{
				Path:                    jsii.String(props.HealthCheckPath),
				HealthyHttpCodes:        jsii.String("200"),
				Interval:                awscdk.Duration_Seconds(jsii.Number(10)),
				HealthyThresholdCount:   jsii.Number(2),
				UnhealthyThresholdCount: jsii.Number(3),
			},
			// Pods get 30 s to finish in-flight requests when they go.
			DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(30)),
		})
		binding := awseksv2.NewKubernetesManifest(self, jsii.String(role+"Binding"), &awseksv2.KubernetesManifestProps{
			Cluster:   props.Cluster,
			Overwrite: jsii.Bool(true),
			Manifest: &[]*map[string]any{{
				"apiVersion": "elbv2.k8s.aws/v1beta1",
				"kind":       "TargetGroupBinding",
				"metadata": map[string]any{
					"name":      props.bindingName(svc),
					"namespace": svc.Namespace,
					"labels":    map[string]any{LabelAlb: props.Name},
				},
				"spec": map[string]any{
					"targetGroupARN": tg.TargetGroupArn(),
					"targetType":     "ip",
					"serviceRef":     map[string]any{"name": svc.Name, "port": svc.Port},
					"networking": map[string]any{"ingress": []any{map[string]any{
						"from":  []any{map[string]any{"securityGroup": map[string]any{"groupID": props.Alb.SecurityGroup.SecurityGroupId()}}},
						"ports": []any{map[string]any{"protocol": "TCP", "port": svc.Port}},
					}}},
				},
			}},
		})
		binding.Node().AddDependency(props.Controller)
		if props.Namespace != nil {
			binding.Node().AddDependency(props.Namespace)
		}
		w.Bindings = append(w.Bindings, props.bindingName(svc))
		return tg
	}
	w.Stable = newGroup("Stable", props.Stable)
	w.Canary = newGroup("Canary", props.Canary)
	for _, port := range uniquePorts(props.Stable.Port, props.Canary.Port) {
		props.Alb.SecurityGroup.AddEgressRule(props.PodSecurityGroup, awsec2.Port_Tcp(jsii.Number(port)), jsii.String(fmt.Sprintf("to the API gateway pods on %d", port)), nil)
	}
	props.Alb.Https.AddAction(jsii.String("Weighted"), &elbv2.AddApplicationActionProps{
		Action: elbv2.ListenerAction_WeightedForward(&[]*elbv2.WeightedTargetGroup{
			{TargetGroup: w.Stable, Weight: jsii.Number(props.StableWeight)},
			{TargetGroup: w.Canary, Weight: jsii.Number(props.CanaryWeight)},
		}, nil),
	})
	return w
}

func uniquePorts(a, b int) []int {
	if a == b {
		return []int{a}
	}
	return []int{a, b}
}
