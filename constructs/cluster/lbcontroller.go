package cluster

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// The controller release installed, and its Helm chart version.
const (
	LoadBalancerControllerVersion      = "v2.17.1"
	LoadBalancerControllerChartVersion = "1.17.1"
)

// Where the controller runs, and the service account its role is for.
const (
	loadBalancerControllerNamespace      = "kube-system"
	loadBalancerControllerServiceAccount = "aws-load-balancer-controller"
)

// StackNameTag is the tag CloudFormation puts on every resource it
// creates, with the name of the stack that created it. Tags with the aws:
// prefix are reserved: no principal can add, change or remove them.
const StackNameTag = "aws:cloudformation:stack-name"

// LoadBalancerControllerProps configures a LoadBalancerController.
type LoadBalancerControllerProps struct {
	// Cluster runs the controller. Required.
	Cluster awseksv2.Cluster
	// DependsOn are installed first (the Pod Identity agent).
	DependsOn []constructs.IDependable
	// TargetGroupStacks are the CloudFormation stacks whose target groups
	// the controller binds to this cluster's pods: it may register and
	// deregister targets in their target groups only.
	// @default - the stack the controller is in
	TargetGroupStacks []string
}

// Validate reports every problem with the props.
func (p LoadBalancerControllerProps) Validate() error {
	if p.Cluster == nil {
		return errors.New("cluster: required")
	}
	return nil
}

// LoadBalancerController installs the AWS Load Balancer Controller from its
// Helm chart, with its IAM role bound to its service account through EKS
// Pod Identity (no OIDC provider, no IRSA annotations). The platform uses
// one feature of it: the edge binds the target groups CloudFormation
// creates to pods through TargetGroupBindings, and the controller keeps
// their IP targets and the pods' security group rules from the ALBs up to
// date. Load balancers, listeners, the WAF and Shield are CloudFormation's;
// the controller may not change them, and the features that would (Ingress,
// Services of type LoadBalancer, Gateway API, Global Accelerator, WAF and
// Shield add-ons) are turned off.
type LoadBalancerController struct {
	constructs.Construct
	ServiceAccount awseksv2.ServiceAccount
	Chart          awseksv2.HelmChart
}

// NewLoadBalancerController installs the controller; it panics on invalid props.
func NewLoadBalancerController(scope constructs.Construct, id string, props LoadBalancerControllerProps) *LoadBalancerController {
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	if len(props.TargetGroupStacks) == 0 {
		props.TargetGroupStacks = []string{*awscdk.Stack_Of(scope).StackName()}
	}
	self := constructs.NewConstruct(scope, &id)
	l := &LoadBalancerController{Construct: self}
	l.ServiceAccount = props.Cluster.AddServiceAccount(jsii.String(id+"ServiceAccount"), &awseksv2.ServiceAccountOptions{
		Name:         jsii.String(loadBalancerControllerServiceAccount),
		Namespace:    jsii.String(loadBalancerControllerNamespace),
		IdentityType: awseksv2.IdentityType_POD_IDENTITY,
	})
	PodIdentity{Cluster: props.Cluster, Namespace: loadBalancerControllerNamespace, ServiceAccount: loadBalancerControllerServiceAccount}.Trust(l.ServiceAccount.Role())
	for _, st := range loadBalancerControllerStatements(awscdk.Stack_Of(self), props.Cluster, props.TargetGroupStacks) {
		l.ServiceAccount.AddToPrincipalPolicy(st)
	}
	for _, d := range props.DependsOn {
		l.ServiceAccount.Node().AddDependency(d)
	}
	region := awscdk.Stack_Of(self).Region()
	image, err := controllerImageRepository(*region)
	if err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	l.Chart = awseksv2.NewHelmChart(self, jsii.String("Chart"), &awseksv2.HelmChartProps{
		Cluster:    props.Cluster,
		Chart:      jsii.String("aws-load-balancer-controller"),
		Repository: jsii.String("https://aws.github.io/eks-charts"),
		Release:    jsii.String("aws-load-balancer-controller"),
		Namespace:  jsii.String(loadBalancerControllerNamespace),
		Version:    jsii.String(LoadBalancerControllerChartVersion),
		Wait:       jsii.Bool(true),
		Timeout:    awscdk.Duration_Minutes(jsii.Number(15)),
		Values: &map[string]any{
			"clusterName":    props.Cluster.ClusterName(),
			"region":         region,
			"vpcId":          props.Cluster.Vpc().VpcId(),
			"replicaCount":   2,
			"serviceAccount": map[string]any{"create": false, "name": loadBalancerControllerServiceAccount},
			"image": map[string]any{
				"repository": image,
				"tag":        LoadBalancerControllerVersion,
			},
			// Spread the two replicas: a controller outage stops target updates.
			"podDisruptionBudget": map[string]any{"maxUnavailable": 1},
			// Everything but TargetGroupBindings is off: nothing else may
			// make the controller call what its role does not allow.
			// WAF (classic and v2) and Shield: only Ingress annotations use
			// them (--enable-waf, --enable-wafv2, --enable-shield).
			"enableWaf": false, "enableWafv2": false, "enableShield": false,
			// The shared backend security group is created for Ingresses
			// and Services only (--enable-backend-security-group).
			"enableBackendSecurityGroup": false,
			// No IngressClass "alb" (and no IngressClassParams for it), and
			// the kubernetes.io/ingress.class annotation refused on new
			// Ingresses: no Ingress selects this controller.
			"createIngressClassResource":    false,
			"ingressClassParams":            map[string]any{"create": false},
			"disableIngressClassAnnotation": true,
			"controllerConfig":              map[string]any{"featureGates": loadBalancerControllerFeatureGates},
		},
	})
	l.Chart.Node().AddDependency(l.ServiceAccount)
	suppressLoadBalancerController(l)
	return l
}

// controllerImageRepository is the controller's image repository in the
// region's Amazon EKS registry, which the nodes reach through the VPC's ECR
// endpoints (the chart's default, public.ecr.aws, needs the internet). The
// registry's account differs by region: 11 of the regions envs accepts
// have their own (registry.go). The region must be concrete: a stack
// without one (a token) cannot name its registry.
func controllerImageRepository(region string) (string, error) {
	if *awscdk.Token_IsUnresolved(region) {
		return "", errors.New("the stack needs an explicit region: the Load Balancer Controller's image comes from that region's Amazon EKS registry, whose account differs by region")
	}
	registry, err := spec.ImageRegistry(region)
	if err != nil {
		return "", err
	}
	return registry + "/amazon/aws-load-balancer-controller", nil
}

// loadBalancerControllerFeatureGates turn off the controller's reconcilers
// of anything but TargetGroupBindings (--feature-gates). The controller
// refuses to start on a gate it does not know: every key is one of
// v2.17.1's (pkg/config/feature_gates.go), which the tests check.
var loadBalancerControllerFeatureGates = map[string]any{
	// Services of type LoadBalancer (NLBs). The chart's Service mutator
	// webhook still gives new LoadBalancer Services the controller's class,
	// so that no other controller provisions them either.
	"EnableServiceController": false,
	// Gateway API and Global Accelerator: off by default in v2.17.1; pinned
	// off so that a default flipped by an upgrade is a reviewed change.
	"ALBGatewayAPI":               false,
	"NLBGatewayAPI":               false,
	"GlobalAcceleratorController": false,
}
