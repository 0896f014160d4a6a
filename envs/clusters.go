package envs

import "github.com/ecplatform/eks-platform/spec"

// Cluster is one EKS cluster of the environment, in its own stack
// <env>-cluster-<name>. A second cluster at a newer version is how a whole
// cluster is upgraded or canaried: Route 53 weights move traffic between them.
type Cluster struct {
	// Name is the cluster's short name, e.g. blue or green.
	Name string `json:"name" jsonschema:"pattern=^[a-z][a-z0-9]{0\\,15}$"`
	// State is active, or retiring: the last step before the cluster is
	// removed (weight 0, deletion protection off, alarms muted, the cluster
	// deleted with its stack rather than kept). @default active
	State ClusterState `json:"state,omitempty" jsonschema:"enum=active,enum=retiring"`
	// Version is the control plane's Kubernetes minor version, e.g. "1.33".
	// It moves one minor at a time: EKS cannot skip a minor.
	Version string `json:"version"`
	// ServiceCidr is the range Kubernetes Services get their IPs from. Pods
	// cannot reach anything else in it (kube-proxy captures it), so it
	// must overlap neither the VPC nor any range the env routes to, on-prem
	// included. EKS fixes it at creation: changing it means a new cluster.
	// A private /12 to /24.
	// @default 10.100.0.0/16
	ServiceCidr string `json:"serviceCidr,omitempty"`
	// Endpoint is who may reach the Kubernetes API.
	Endpoint Endpoint `json:"endpoint,omitempty"`
	// Access lists the IAM roles that get Kubernetes access through EKS
	// access entries.
	Access Access `json:"access"`
	// Addons overrides the pinned version of a managed add-on (vpc-cni,
	// coredns, kube-proxy, eks-pod-identity-agent, aws-ebs-csi-driver,
	// amazon-cloudwatch-observability).
	// @default the versions pinned for the cluster's Kubernetes version
	Addons map[string]string `json:"addons,omitempty"`
	// Istio runs the Istio service mesh on the cluster; the services that
	// set mesh: true get its sidecar. @default - no mesh
	Istio *Istio `json:"istio,omitempty"`
	// NodeGroups are the cluster's versioned managed node groups.
	NodeGroups []NodeGroup `json:"nodeGroups" jsonschema:"minItems=1"`
}

// ClusterState is where a cluster is in its life.
type ClusterState string

const (
	// ClusterActive serves at its Route 53 weight.
	ClusterActive ClusterState = "active"
	// ClusterRetiring takes no traffic and is ready to be removed: its
	// stacks lose termination and deletion protection, its alarms stop
	// paging, and the cluster goes with its stack.
	ClusterRetiring ClusterState = "retiring"
)

// Endpoint is the reach of the Kubernetes API endpoint.
type Endpoint struct {
	// PublicAccessCidrs opens the public endpoint to these ranges only. Empty
	// keeps the endpoint private: reachable from the VPC and, over Direct
	// Connect, from on-prem.
	PublicAccessCidrs []string `json:"publicAccessCidrs,omitempty"`
}

// Access is who administers and who reads the cluster.
type Access struct {
	// AdminRoleArns get cluster-admin (AmazonEKSClusterAdminPolicy).
	AdminRoleArns []string `json:"adminRoleArns" jsonschema:"minItems=1"`
	// ReadOnlyRoleArns get view access (AmazonEKSViewPolicy).
	ReadOnlyRoleArns []string `json:"readOnlyRoleArns,omitempty"`
}

// NodeGroupState is where a node group is in its life.
type NodeGroupState string

const (
	// NodeGroupActive takes new pods.
	NodeGroupActive NodeGroupState = "active"
	// NodeGroupDraining keeps running its pods but takes no new ones (a
	// NoSchedule taint): the next rollout moves pods to the active group.
	NodeGroupDraining NodeGroupState = "draining"
)

// AmiType is the EKS-optimized AMI family of a node group. AL2 is absent:
// EKS no longer publishes it for current Kubernetes versions.
type AmiType string

// Arch is a CPU architecture.
type Arch string

// The CPU architectures of node AMIs.
const (
	ArchX86 Arch = "x86_64"
	ArchARM Arch = "arm64"
)

// CapacityType is how node group instances are bought.
type CapacityType string

// The capacity types EKS managed node groups offer.
const (
	OnDemand CapacityType = "ON_DEMAND"
	Spot     CapacityType = "SPOT"
)

// TaintEffect is a Kubernetes taint effect, spelt as EKS takes it.
type TaintEffect string

// The taint effects EKS managed node groups accept.
var TaintEffects = []TaintEffect{"NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"}

// NodeGroup is one versioned managed node group, identified by its name.
// Its version is upgraded in place, or a new group (another name) is added
// beside it, the old one drained, then removed from the config.
type NodeGroup struct {
	// Name identifies the group in its cluster: its construct id and its
	// platform.ecplatform.io/node-group label. Bumping Version on a named
	// group upgrades it in place (EKS replaces its nodes a few at a time);
	// a new name in the same pool is a new group beside it.
	// @default <pool>-<version with dashes>, e.g. general-1-34
	Name string `json:"name,omitempty" jsonschema:"pattern=^[a-z][a-z0-9-]{0\\,38}[a-z0-9]$"`
	// Pool is the workload pool the group serves, e.g. general or batch;
	// Deployments select it with node affinity on platform.ecplatform.io/pool.
	Pool string `json:"pool" jsonschema:"pattern=^[a-z][a-z0-9]{0\\,15}$"`
	// Version is the nodes' Kubernetes minor version: at most the control
	// plane's, at most 3 minors older.
	Version string `json:"version"`
	// State is active (takes pods) or draining (taints its nodes NoSchedule).
	// @default active
	State NodeGroupState `json:"state,omitempty" jsonschema:"enum=active,enum=draining"`
	// AmiType is the node AMI family and architecture.
	AmiType AmiType `json:"amiType" jsonschema:"enum=AL2023_x86_64_STANDARD,enum=AL2023_ARM_64_STANDARD,enum=BOTTLEROCKET_x86_64,enum=BOTTLEROCKET_ARM_64"`
	// InstanceTypes the group may launch, all of the AMI's architecture.
	InstanceTypes []string `json:"instanceTypes" jsonschema:"minItems=1"`
	// CapacityType is ON_DEMAND or SPOT. @default ON_DEMAND
	CapacityType CapacityType `json:"capacityType,omitempty" jsonschema:"enum=ON_DEMAND,enum=SPOT"`
	// MinSize, DesiredSize and MaxSize bound the group's node count.
	MinSize     int `json:"minSize" jsonschema:"minimum=0"`
	DesiredSize int `json:"desiredSize" jsonschema:"minimum=0"`
	MaxSize     int `json:"maxSize" jsonschema:"minimum=1"`
	// DiskSizeGiB is the encrypted gp3 root volume's size. @default 50
	DiskSizeGiB int `json:"diskSizeGiB,omitempty" jsonschema:"minimum=20"`
	// Labels are extra Kubernetes node labels; the platform.ecplatform.io/
	// prefix is reserved for the labels the platform sets.
	Labels map[string]string `json:"labels,omitempty"`
	// Taints are extra Kubernetes taints.
	Taints []Taint `json:"taints,omitempty"`
}

// Taint is a Kubernetes node taint.
type Taint struct {
	Key    string      `json:"key"`
	Value  string      `json:"value,omitempty"`
	Effect TaintEffect `json:"effect" jsonschema:"enum=NO_SCHEDULE,enum=PREFER_NO_SCHEDULE,enum=NO_EXECUTE"`
}

// ID is the node group's identity within its cluster: its name, by
// default pool and version (general-1-33), which every group had before
// names existed, so that a deployed group keeps its logical id.
func (g NodeGroup) ID() string {
	if g.Name != "" {
		return g.Name
	}
	return spec.DefaultNodeGroupName(g.Pool, g.Version)
}
