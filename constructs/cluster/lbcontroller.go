package cluster

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// lbControllerPolicy is the IAM policy the AWS Load Balancer Controller
// documents for its version (the one aws-cdk-lib ships for v2.17.1).
//
//go:embed lb-controller-iam-policy.json
var lbControllerPolicy []byte

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

// LoadBalancerControllerProps configures a LoadBalancerController.
type LoadBalancerControllerProps struct {
	// Cluster runs the controller. Required.
	Cluster awseksv2.Cluster
	// DependsOn are installed first (the Pod Identity agent).
	DependsOn []constructs.IDependable
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
// Pod Identity (no OIDC provider, no IRSA annotations). The edge binds ALB
// target groups to pods through its TargetGroupBinding resource.
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
	self := constructs.NewConstruct(scope, &id)
	l := &LoadBalancerController{Construct: self}
	l.ServiceAccount = props.Cluster.AddServiceAccount(jsii.String(id+"ServiceAccount"), &awseksv2.ServiceAccountOptions{
		Name:         jsii.String(loadBalancerControllerServiceAccount),
		Namespace:    jsii.String(loadBalancerControllerNamespace),
		IdentityType: awseksv2.IdentityType_POD_IDENTITY,
	})
	PodIdentity{Cluster: props.Cluster, Namespace: loadBalancerControllerNamespace, ServiceAccount: loadBalancerControllerServiceAccount}.Trust(l.ServiceAccount.Role())
	var doc struct{ Statement []map[string]any }
	if err := json.Unmarshal(lbControllerPolicy, &doc); err != nil {
		panic(fmt.Errorf("lb-controller-iam-policy.json: %w", err))
	}
	for _, s := range doc.Statement {
		l.ServiceAccount.AddToPrincipalPolicy(awsiam.PolicyStatement_FromJson(s))
	}
	for _, d := range props.DependsOn {
		l.ServiceAccount.Node().AddDependency(d)
	}
	region := awscdk.Stack_Of(self).Region()
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
				"repository": fmt.Sprintf("602401143452.dkr.ecr.%s.amazonaws.com/amazon/aws-load-balancer-controller", *region),
				"tag":        LoadBalancerControllerVersion,
			},
			// Spread the two replicas: a controller outage stops target updates.
			"podDisruptionBudget": map[string]any{"maxUnavailable": 1},
		},
	})
	l.Chart.Node().AddDependency(l.ServiceAccount)
	return l
}
