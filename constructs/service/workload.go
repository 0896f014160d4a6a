package service

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ecplatform/eks-platform/constructs/cluster"
)

// SecurityGroupPolicy's API group and version (the VPC resource
// controller's CRD, which EKS runs on the control plane).
const securityGroupPolicyAPIVersion = "vpcresources.k8s.aws/v1beta1"

// LabelService marks every object made for a service with its name.
const LabelService = "platform.ecplatform.io/service"

// ServiceWorkloadProps configures a ServiceWorkload.
type ServiceWorkloadProps struct {
	// Cluster is where the objects are applied. Required.
	Cluster *cluster.ReferencedCluster
	// Service, Namespace and ServiceAccount name the service and where its
	// pods run. Required.
	Service, Namespace, ServiceAccount string
	// PodSecurityGroupID is the service's own security group, which its
	// pods carry with the cluster's (the one the database admits). Required.
	PodSecurityGroupID *string
	// Routes is the service's route table, applied in GatewayNamespace.
	// @default - the service has no route (a worker, or not yet routed)
	Routes *RouteTable
	// GatewayNamespace is the API gateway's namespace. Required with Routes.
	GatewayNamespace string
	// MeshRevision puts the namespace in the Istio mesh of that control
	// plane revision (its istio.io/rev label): the revision's webhook
	// injects the sidecar into the namespace's new pods.
	// @default - not meshed: no label, no sidecar
	MeshRevision string
}

// Validate reports every problem with the props, by the API server's rules.
func (p ServiceWorkloadProps) Validate() error {
	var errs []error
	if p.Cluster == nil {
		errs = append(errs, errors.New("cluster: required"))
	}
	for _, m := range validation.IsValidLabelValue(p.Service) {
		errs = append(errs, fmt.Errorf("service: %q: %s", p.Service, m))
	}
	for _, m := range validation.IsDNS1123Subdomain(p.ServiceAccount) {
		errs = append(errs, fmt.Errorf("serviceAccount: %q: %s", p.ServiceAccount, m))
	}
	if p.PodSecurityGroupID == nil {
		errs = append(errs, errors.New("podSecurityGroupId: required"))
	}
	for _, m := range validation.IsValidLabelValue(p.MeshRevision) {
		errs = append(errs, fmt.Errorf("meshRevision: %q: %s", p.MeshRevision, m))
	}
	if p.Routes != nil {
		if err := p.Routes.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("routes: %w", err))
		}
		for _, m := range validation.IsDNS1123Label(p.GatewayNamespace) {
			errs = append(errs, fmt.Errorf("gatewayNamespace: %q: %s", p.GatewayNamespace, m))
		}
		for _, m := range validation.IsDNS1123Subdomain(routeTableNamePrefix + p.Service) {
			errs = append(errs, fmt.Errorf("routes: ConfigMap name %q: %s", routeTableNamePrefix+p.Service, m))
		}
	}
	return errors.Join(errs...)
}

// ServiceWorkload is what a service needs on one cluster before its team
// deploys to it, applied as one manifest:
//   - its namespace, enforcing the restricted Pod Security Standard, and
//     labelled for Istio's sidecar injection where MeshRevision is set;
//   - its service account, the one its IAM role trusts;
//   - a SecurityGroupPolicy giving every pod of the namespace the
//     service's own security group besides the cluster's, so that its
//     database admits these pods and no other;
//   - its route table, as a ConfigMap in the API gateway's namespace.
type ServiceWorkload struct {
	constructs.Construct
	Manifest awseksv2.KubernetesManifest
}

// NewServiceWorkload applies the objects; it panics on invalid props.
func NewServiceWorkload(scope constructs.Construct, id string, p ServiceWorkloadProps) *ServiceWorkload {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	ns := cluster.NamespaceProps{
		Cluster: p.Cluster.Cluster,
		Name:    p.Namespace,
		Enforce: cluster.PodSecurityRestricted,
		Warn:    cluster.PodSecurityRestricted,
		Labels:  map[string]string{LabelService: p.Service},
	}
	if p.MeshRevision != "" {
		ns.Labels[cluster.LabelIstioRevision] = p.MeshRevision
	}
	if err := ns.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: namespace: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	labels := map[string]any{LabelService: p.Service, "app.kubernetes.io/managed-by": "eks-platform"}
	objects := []map[string]any{
		ns.Object(),
		{
			"apiVersion": "v1",
			"kind":       "ServiceAccount",
			"metadata":   map[string]any{"name": p.ServiceAccount, "namespace": p.Namespace, "labels": labels},
		},
		{
			"apiVersion": securityGroupPolicyAPIVersion,
			"kind":       "SecurityGroupPolicy",
			"metadata":   map[string]any{"name": p.Service, "namespace": p.Namespace, "labels": labels},
			"spec": map[string]any{
				// Every pod of the namespace: the namespace is the service's.
				"podSelector": map[string]any{},
				// The cluster's group keeps DNS, kubelet probes and the API
				// gateway's traffic working; the service's opens its database.
				"securityGroups": map[string]any{"groupIds": []any{p.Cluster.SecurityGroupID, p.PodSecurityGroupID}},
			},
		},
	}
	if p.Routes != nil {
		objects = append(objects, p.Routes.configMap(p.GatewayNamespace))
	}
	manifest := make([]*map[string]any, len(objects))
	for i := range objects {
		manifest[i] = &objects[i]
	}
	w := &ServiceWorkload{Construct: self}
	w.Manifest = awseksv2.NewKubernetesManifest(self, jsii.String("Resource"), &awseksv2.KubernetesManifestProps{
		Cluster: p.Cluster.Cluster,
		// The namespace may exist already, made by hand during the move.
		Overwrite: jsii.Bool(true),
		Manifest:  &manifest,
	})
	return w
}
