package service

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ecplatform/eks-platform/constructs/cluster"
)

// ServiceIdentityProps configures a ServiceIdentity.
type ServiceIdentityProps struct {
	// Service names the role's description. Required.
	Service string
	// Clusters are the physical names of the EKS clusters the service runs
	// on, in this stack's account and region: one association each.
	// Required.
	Clusters []string
	// Namespace and ServiceAccount are the Kubernetes service account the
	// service's pods run as, the only one that may assume the role.
	// Required.
	Namespace, ServiceAccount string
}

// Validate reports every problem with the props.
func (p ServiceIdentityProps) Validate() error {
	var errs []error
	if p.Service == "" {
		errs = append(errs, errors.New("service: required"))
	}
	if len(p.Clusters) == 0 {
		errs = append(errs, errors.New("clusters: at least one"))
	}
	for _, m := range validation.IsDNS1123Label(p.Namespace) {
		errs = append(errs, fmt.Errorf("namespace: %q: %s", p.Namespace, m))
	}
	for _, m := range validation.IsDNS1123Subdomain(p.ServiceAccount) {
		errs = append(errs, fmt.Errorf("serviceAccount: %q: %s", p.ServiceAccount, m))
	}
	return errors.Join(errs...)
}

// ServiceIdentity is the IAM role a service's pods act as, through EKS Pod
// Identity, on every cluster it runs on. The role starts with no
// permission: the service's own data store, secrets and so on grant
// theirs to its Policy (Grant* methods), so what it can reach is exactly
// what was made for it. Its trust admits only the service's service account in its
// namespace, on its clusters.
type ServiceIdentity struct {
	constructs.Construct
	Role awsiam.Role
	// Policy is the role's one policy, customer managed (versioned, and
	// reviewable on its own in IAM): every grant adds its statements here.
	Policy awsiam.ManagedPolicy
	// Associations are the Pod Identity associations by cluster name.
	Associations map[string]awseksv2.CfnPodIdentityAssociation
}

// NewServiceIdentity provisions the role and one association per cluster;
// it panics on invalid props.
func NewServiceIdentity(scope constructs.Construct, id string, p ServiceIdentityProps) *ServiceIdentity {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(self)
	arns := make([]*string, len(p.Clusters))
	for i, c := range p.Clusters {
		// The name is known, so the ARN is a literal: the role and the
		// associations need nothing exported from the cluster's stack.
		arns[i] = jsii.String(fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", *stack.Partition(), *stack.Region(), *stack.Account(), c))
	}
	s := &ServiceIdentity{Construct: self, Associations: map[string]awseksv2.CfnPodIdentityAssociation{}}
	s.Role = awsiam.NewRole(self, jsii.String("Role"), &awsiam.RoleProps{
		Description: jsii.String(fmt.Sprintf("Service %s: its pods (%s/%s), through EKS Pod Identity", p.Service, p.Namespace, p.ServiceAccount)),
		AssumedBy:   cluster.PodIdentityPrincipal(arns, p.Namespace, p.ServiceAccount),
		// A session lasts as long as EKS Pod Identity asks; an hour caps a
		// leaked credential.
		MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(1)),
	})
	s.Policy = awsiam.NewManagedPolicy(self, jsii.String("Policy"), &awsiam.ManagedPolicyProps{
		Description: jsii.String(fmt.Sprintf("Service %s: its own data store and secrets, nothing else", p.Service)),
		Roles:       &[]awsiam.IRole{s.Role},
	})
	for _, c := range p.Clusters {
		s.Associations[c] = awseksv2.NewCfnPodIdentityAssociation(self, jsii.String("Association-"+c), &awseksv2.CfnPodIdentityAssociationProps{
			ClusterName:    jsii.String(c),
			Namespace:      jsii.String(p.Namespace),
			ServiceAccount: jsii.String(p.ServiceAccount),
			RoleArn:        s.Role.RoleArn(),
		})
	}
	return s
}
