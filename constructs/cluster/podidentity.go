package cluster

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// PodIdentityService is the principal EKS Pod Identity assumes roles as.
const PodIdentityService = "pods.eks.amazonaws.com"

// The session tags EKS Pod Identity sets on every role session it opens for
// a pod (EKS User Guide, "Create IAM role with trust policy required by EKS
// Pod Identity"; the other three it sets, eks-cluster-name,
// kubernetes-pod-name and kubernetes-pod-uid, add nothing here).
const (
	SessionTagClusterArn     = "eks-cluster-arn"
	SessionTagNamespace      = "kubernetes-namespace"
	SessionTagServiceAccount = "kubernetes-service-account"
)

// PodIdentity is the one Kubernetes service account, in one namespace of
// one cluster, that may assume a role through EKS Pod Identity.
type PodIdentity struct {
	Cluster        awseksv2.ICluster
	Namespace      string
	ServiceAccount string
}

// Principal is EKS Pod Identity acting for this service account alone: the
// service may assume the role and tag its session (sts:AssumeRole,
// sts:TagSession, as EKS requires), and only with the session tags it sets
// for this cluster, namespace and service account. Without these
// conditions, whoever may create a Pod Identity association in the account
// could hand the role to any service account of any cluster.
//
// The conditions are on aws:RequestTag, which EKS documents for this
// purpose. aws:SourceArn and aws:SourceAccount are not used: the EKS guide
// does not document them for Pod Identity, and a condition on a key the
// request lacks denies every pod.
func (p PodIdentity) Principal() awsiam.PrincipalBase {
	return PodIdentityPrincipal([]*string{p.Cluster.ClusterArn()}, p.Namespace, p.ServiceAccount)
}

// PodIdentityPrincipal is EKS Pod Identity acting for one service account
// of one namespace, on any of the clusters whose ARNs are listed (the same
// conditions as PodIdentity.Principal, for a service that runs on several
// clusters).
func PodIdentityPrincipal(clusterArns []*string, namespace, serviceAccount string) awsiam.PrincipalBase {
	var clusters any = clusterArns[0]
	if len(clusterArns) > 1 {
		clusters = clusterArns
	}
	return awsiam.NewServicePrincipal(jsii.String(PodIdentityService), nil).
		WithSessionTags().
		WithConditions(&map[string]any{"StringEquals": map[string]any{
			"aws:RequestTag/" + SessionTagClusterArn:     clusters,
			"aws:RequestTag/" + SessionTagNamespace:      namespace,
			"aws:RequestTag/" + SessionTagServiceAccount: serviceAccount,
		}})
}

// Associate hands role to p's service account: the Pod Identity
// association, made in scope with id, after agent (the Pod Identity Agent
// add-on, which the association needs running) and whatever else is given.
// role must trust p's Principal.
func (p PodIdentity) Associate(scope constructs.Construct, id string, role awsiam.IRole, agent constructs.IDependable, after ...constructs.IDependable) awseksv2.CfnPodIdentityAssociation {
	assoc := awseksv2.NewCfnPodIdentityAssociation(scope, jsii.String(id), &awseksv2.CfnPodIdentityAssociationProps{
		ClusterName:    p.Cluster.ClusterName(),
		Namespace:      jsii.String(p.Namespace),
		ServiceAccount: jsii.String(p.ServiceAccount),
		RoleArn:        role.RoleArn(),
	})
	assoc.Node().AddDependency(append([]constructs.IDependable{agent}, after...)...)
	return assoc
}

// Trust replaces role's trust policy with p's Principal alone, for a role
// another construct created with an unconditioned Pod Identity trust (the
// one awseksv2.ServiceAccount creates). The role keeps its logical id: its
// permissions and associations are updated in place.
func (p PodIdentity) Trust(role awsiam.IRole) {
	doc := awsiam.NewPolicyDocument(nil)
	p.Principal().AddToAssumeRolePolicy(doc)
	role.Node().DefaultChild().(awsiam.CfnRole).SetAssumeRolePolicyDocument(doc)
}

// NewAddonRole creates the IAM role of a managed add-on's service account,
// assumable through EKS Pod Identity by that service account alone, and
// associates it with the service account on the add-on (namespace is where
// the add-on runs it). Pod Identity associations need the agent running,
// so the add-on is installed after it, and after every policy of its role
// (also those added to the role later), so its pods start with them.
func (c *Cluster) NewAddonRole(scope constructs.Construct, id string, addon awseksv2.Addon, namespace, serviceAccount string, props awsiam.RoleProps) awsiam.Role {
	props.AssumedBy = PodIdentity{Cluster: c.Cluster, Namespace: namespace, ServiceAccount: serviceAccount}.Principal()
	role := awsiam.NewRole(scope, jsii.String(id), &props)
	addon.Node().DefaultChild().(awseksv2.CfnAddon).SetPodIdentityAssociations(&[]any{
		&awseksv2.CfnAddon_PodIdentityAssociationProperty{ServiceAccount: jsii.String(serviceAccount), RoleArn: role.RoleArn()},
	})
	addon.Node().AddDependency(c.Addons[spec.AddonPodIdentityAgent], role)
	return role
}
