package cluster

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// The parameters a cluster publishes under its ParameterPrefix.
const (
	parameterKubectlServiceToken = "/kubectl-service-token"
	parameterSecurityGroupID     = "/cluster-security-group-id"
)

// ClusterReference is how a stack other than the cluster's reaches it: its
// physical name and the SSM parameters its own stack publishes (Publish).
// The values are read when CloudFormation deploys the other stack, not
// exported: a stack that imports an export pins it, and the cluster's
// stack could then neither change the value nor be deleted while that
// stack exists. With parameters, a service leaves a retiring cluster and
// the cluster's stack is deleted after, in two ordinary steps.
type ClusterReference struct {
	// Name is the cluster's physical name. Required.
	Name string
	// ParameterPrefix is the SSM path the cluster publishes under, e.g.
	// /platform/prd/clusters/blue. Required.
	ParameterPrefix string
}

// Validate reports every problem with the reference.
func (r ClusterReference) Validate() error {
	var errs []error
	if !clusterName.MatchString(r.Name) {
		errs = append(errs, fmt.Errorf("name: must be an EKS cluster name, got %q", r.Name))
	}
	if !spec.IsParameterPath(r.ParameterPrefix) {
		errs = append(errs, fmt.Errorf("parameterPrefix: must be an SSM path such as /platform/prd/clusters/blue, got %q", r.ParameterPrefix))
	}
	return errors.Join(errs...)
}

// Publish writes, under prefix, what other stacks need to apply Kubernetes
// objects to the cluster (ClusterReference): its kubectl provider's
// service token and the cluster security group.
func (c *Cluster) Publish(prefix string) {
	if !spec.IsParameterPath(prefix) {
		panic(fmt.Errorf("%s: parameter prefix must be an SSM path, got %q", *c.Node().Path(), prefix))
	}
	for _, v := range []struct {
		id, name string
		value    *string
		what     string
	}{
		{"KubectlServiceTokenParameter", parameterKubectlServiceToken, c.Cluster.KubectlProvider().ServiceToken(), "kubectl provider service token"},
		{"SecurityGroupParameter", parameterSecurityGroupID, c.Cluster.ClusterSecurityGroupId(), "cluster security group"},
	} {
		awsssm.NewStringParameter(c.Construct, jsii.String(v.id), &awsssm.StringParameterProps{
			ParameterName: jsii.String(prefix + v.name),
			StringValue:   v.value,
			Description:   jsii.String(fmt.Sprintf("EKS cluster %s: its %s, for the stacks that apply objects to it", c.Name, v.what)),
		})
	}
}

// ReferencedCluster is a cluster reached through a ClusterReference from
// another stack: KubernetesManifests on it go through its kubectl provider.
type ReferencedCluster struct {
	Cluster awseksv2.ICluster
	// SecurityGroupID is the cluster security group every node and
	// control-plane ENI carries.
	SecurityGroupID *string
	Name            string
}

// Reference reads r's parameters into scope's stack; it panics on an
// invalid reference.
func Reference(scope constructs.Construct, id string, r ClusterReference) *ReferencedCluster {
	if err := r.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	token := awsssm.StringParameter_ValueForStringParameter(scope, jsii.String(r.ParameterPrefix+parameterKubectlServiceToken), nil)
	sg := awsssm.StringParameter_ValueForStringParameter(scope, jsii.String(r.ParameterPrefix+parameterSecurityGroupID), nil)
	provider := awseksv2.KubectlProvider_FromKubectlProviderAttributes(scope, jsii.String(id+"Kubectl"), &awseksv2.KubectlProviderAttributes{ServiceToken: token})
	cl := awseksv2.Cluster_FromClusterAttributes(scope, jsii.String(id), &awseksv2.ClusterAttributes{
		ClusterName:            jsii.String(r.Name),
		KubectlProvider:        provider,
		ClusterSecurityGroupId: sg,
		// Objects are applied as written; no prune label is injected.
		Prune: jsii.Bool(false),
	})
	return &ReferencedCluster{Cluster: cl, SecurityGroupID: sg, Name: r.Name}
}
