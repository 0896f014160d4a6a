package cluster

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// Labels every node carries, so that a Deployment's node affinity can pick
// a pool, a group or a Kubernetes version.
const (
	LabelPool        = "platform.ecplatform.io/pool"
	LabelNodeGroup   = "platform.ecplatform.io/node-group"
	LabelKubeVersion = "platform.ecplatform.io/kubernetes-version"
	// TaintDraining marks the nodes of a draining group NoSchedule.
	TaintDraining = "platform.ecplatform.io/draining"
	// TagState tags a cluster with its state; StateRetiring marks one that
	// takes no traffic and may be removed. The review reads it from what is
	// deployed.
	TagState      = "platform.ecplatform.io/state"
	StateRetiring = "retiring"
)

// NodegroupAmiType is the awseksv2 value of an AMI type of spec.AmiTypes,
// by its CloudFormation name: aws-cdk-lib's NodegroupAmiType members are
// the CloudFormation names in upper case (AL2023_x86_64_STANDARD is
// AL2023_X86_64_STANDARD).
func NodegroupAmiType(name string) awseksv2.NodegroupAmiType {
	return awseksv2.NodegroupAmiType(strings.ToUpper(name))
}

// amiOf is the supported AMI type of an awseksv2 value.
func amiOf(t awseksv2.NodegroupAmiType) (spec.AmiType, bool) {
	for _, a := range spec.AmiTypes {
		if NodegroupAmiType(a.Name) == t {
			return a, true
		}
	}
	return spec.AmiType{}, false
}

// VersionedNodeGroupProps configures a VersionedNodeGroup.
type VersionedNodeGroupProps struct {
	// Cluster runs the group. Required.
	Cluster awseksv2.ICluster
	// Name identifies the group in its cluster: the construct id
	// NodeGroup-<name> and the node-group label. Keep it when Version
	// changes: EKS then upgrades the group in place, a few nodes at a time.
	// @default spec.DefaultNodeGroupName(Pool, Version), e.g. general-1-34
	Name string
	// Pool is the workload pool, e.g. general. Required.
	Pool string
	// Version is the nodes' Kubernetes minor, e.g. "1.34". Required.
	Version string
	// AmiType is the EKS-optimized AMI family. Required: the L2's default
	// (AL2) is no longer published for current versions.
	AmiType awseksv2.NodegroupAmiType
	// InstanceTypes the group launches. Required.
	InstanceTypes []string
	// CapacityType is on-demand or spot. @default awseksv2.CapacityType_ON_DEMAND
	CapacityType awseksv2.CapacityType
	// MinSize, DesiredSize, MaxSize bound the node count. @default 2, MinSize, MinSize
	MinSize, DesiredSize, MaxSize int
	// DiskSizeGiB is the encrypted gp3 data volume. @default 50
	DiskSizeGiB int
	// Labels and Taints are the workload's own; the platform adds its labels.
	Labels map[string]string
	Taints []*awseksv2.TaintSpec
	// Draining taints every node NoSchedule: running pods stay, new pods go
	// to the pool's active group. Taints update in place: no node is replaced.
	Draining bool
	// NetworkAddon is the cluster's vpc-cni add-on. The nodes' role does not
	// carry the VPC CNI's policy: aws-node gets it through the add-on's Pod
	// Identity association, so the group (and its role's change) waits for
	// the add-on. Required.
	NetworkAddon awseksv2.IAddon
	// SessionPolicy makes the nodes Session Manager managed instances whose
	// sessions are logged: their role gets SessionManagerPolicy and this
	// policy (Cluster.NodeSessionPolicy), which lets SSM Agent write the
	// session log. SSM Agent runs on the host of AL2023 nodes and in the
	// control container of Bottlerocket nodes, which is on by default: the
	// launch template writes no Bottlerocket settings (user data).
	// @default - no Session Manager: the role has nodeRolePolicies only
	SessionPolicy awsiam.IManagedPolicy
}

// Validate reports every problem with the props.
func (p VersionedNodeGroupProps) Validate() error {
	var errs []error
	if p.Cluster == nil {
		errs = append(errs, errors.New("cluster: required"))
	}
	if p.NetworkAddon == nil {
		errs = append(errs, errors.New("networkAddon: required: without the vpc-cni add-on's Pod Identity association, nodes get no pod IPs"))
	}
	if p.Name != "" && !spec.IsNodeGroupName(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be 2-40 lowercase letters, digits or -, starting with a letter, got %q", p.Name))
	}
	if !spec.IsPoolName(p.Pool) {
		errs = append(errs, fmt.Errorf("pool: must be 1-16 lowercase letters or digits, got %q", p.Pool))
	}
	if _, ok := spec.LookupVersion(p.Version); !ok {
		errs = append(errs, fmt.Errorf("version: must be one of %v, got %q", spec.SupportedVersions(), p.Version))
	}
	if _, ok := amiOf(p.AmiType); !ok {
		errs = append(errs, fmt.Errorf("amiType: must be an AL2023 or Bottlerocket AMI type, got %q", p.AmiType))
	}
	if len(p.InstanceTypes) == 0 {
		errs = append(errs, errors.New("instanceTypes: at least one"))
	}
	if p.MaxSize < p.MinSize {
		errs = append(errs, fmt.Errorf("maxSize: must be >= minSize (%d), got %d", p.MinSize, p.MaxSize))
	}
	if p.DesiredSize < p.MinSize || p.DesiredSize > p.MaxSize {
		errs = append(errs, fmt.Errorf("desiredSize: must be between minSize (%d) and maxSize (%d), got %d", p.MinSize, p.MaxSize, p.DesiredSize))
	}
	for _, k := range slices.Sorted(maps.Keys(p.Labels)) {
		if strings.HasPrefix(k, "platform.ecplatform.io/") {
			errs = append(errs, fmt.Errorf("labels: %q uses the platform's reserved prefix", k))
		}
	}
	return errors.Join(errs...)
}

// VersionedNodeGroup is an EKS managed node group pinned to a Kubernetes
// version (set on the node group, so EKS runs that version's optimized AMI),
// in the private subnets of all three AZs, launched from a template that
// requires IMDSv2 (hop limit 1: pods get AWS credentials from Pod Identity,
// never from the node), encrypts its gp3 volume and turns on detailed
// (1-minute) monitoring. Its role has what the kubelet needs (joining the
// cluster, pulling images from ECR) and not the VPC CNI's rights, which
// aws-node, a host-network pod that could reach the node's credentials,
// gets through Pod Identity instead.
type VersionedNodeGroup struct {
	constructs.Construct
	Nodegroup      awseksv2.Nodegroup
	LaunchTemplate awsec2.LaunchTemplate
	// ID is the group's name.
	ID string
}

// NewVersionedNodeGroup provisions the group; it panics on invalid props.
// Its physical name is left to CloudFormation, so that a replacement can
// never fail with "already exists" (aws-cdk #26931).
func NewVersionedNodeGroup(scope constructs.Construct, id string, p VersionedNodeGroupProps) *VersionedNodeGroup {
	if p.CapacityType == "" {
		p.CapacityType = awseksv2.CapacityType_ON_DEMAND
	}
	if p.MinSize == 0 && p.MaxSize == 0 {
		p.MinSize = 2
	}
	if p.MaxSize == 0 {
		p.MaxSize = p.MinSize
	}
	if p.DesiredSize == 0 {
		p.DesiredSize = p.MinSize
	}
	if p.DiskSizeGiB == 0 {
		p.DiskSizeGiB = 50
	}
	if p.Name == "" {
		p.Name = spec.DefaultNodeGroupName(p.Pool, p.Version)
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	ami, _ := amiOf(p.AmiType)
	self := constructs.NewConstruct(scope, &id)
	g := &VersionedNodeGroup{Construct: self, ID: p.Name}

	g.LaunchTemplate = awsec2.NewLaunchTemplate(self, jsii.String("LaunchTemplate"), &awsec2.LaunchTemplateProps{
		RequireImdsv2:           jsii.Bool(true),
		HttpPutResponseHopLimit: jsii.Number(1),
		// One-minute EC2 metrics (Control Tower CT.EC2.PR.10).
		DetailedMonitoring: jsii.Bool(true),
		BlockDevices: &[]*awsec2.BlockDevice{{
			DeviceName: jsii.String(ami.DataDevice),
			Volume: awsec2.BlockDeviceVolume_Ebs(jsii.Number(p.DiskSizeGiB), &awsec2.EbsDeviceOptions{
				VolumeType:          awsec2.EbsDeviceVolumeType_GP3,
				Encrypted:           jsii.Bool(true),
				DeleteOnTermination: jsii.Bool(true),
			}),
		}},
	})
	labels := map[string]*string{
		LabelPool:        jsii.String(p.Pool),
		LabelNodeGroup:   jsii.String(g.ID),
		LabelKubeVersion: jsii.String(p.Version),
	}
	for k, v := range p.Labels {
		labels[k] = jsii.String(v)
	}
	taints := append([]*awseksv2.TaintSpec{}, p.Taints...)
	if p.Draining {
		taints = append(taints, &awseksv2.TaintSpec{Key: jsii.String(TaintDraining), Value: jsii.String("true"), Effect: awseksv2.TaintEffect_NO_SCHEDULE})
	}
	instanceTypes := make([]awsec2.InstanceType, len(p.InstanceTypes))
	for i, it := range p.InstanceTypes {
		instanceTypes[i] = awsec2.NewInstanceType(jsii.String(it))
	}
	g.Nodegroup = awseksv2.NewNodegroup(self, jsii.String("Resource"), &awseksv2.NodegroupProps{
		Cluster:       p.Cluster,
		AmiType:       p.AmiType,
		InstanceTypes: &instanceTypes,
		CapacityType:  p.CapacityType,
		MinSize:       jsii.Number(p.MinSize),
		DesiredSize:   jsii.Number(p.DesiredSize),
		MaxSize:       jsii.Number(p.MaxSize),
		Labels:        &labels,
		Taints:        &taints,
		Subnets:       &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		LaunchTemplateSpec: &awseksv2.LaunchTemplateSpec{
			Id:      g.LaunchTemplate.LaunchTemplateId(),
			Version: g.LaunchTemplate.LatestVersionNumber(),
		},
		// A third of the nodes at a time during AMI or template rollouts.
		MaxUnavailablePercentage: jsii.Number(33),
		EnableNodeAutoRepair:     jsii.Bool(true),
	})
	g.Nodegroup.Node().DefaultChild().(awseksv2.CfnNodegroup).SetVersion(jsii.String(p.Version))
	var sessions []*string
	if p.SessionPolicy != nil {
		sessions = []*string{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(SessionManagerPolicy)).ManagedPolicyArn(), p.SessionPolicy.ManagedPolicyArn()}
	}
	withoutCniPolicy(g.Nodegroup.Role(), sessions...)
	g.Nodegroup.Node().AddDependency(p.NetworkAddon)
	g.Nodegroup.Role().Node().AddDependency(p.NetworkAddon)
	suppressNodeGroup(g)
	return g
}

// nodeRolePolicies are the AWS managed policies of a node's role: joining
// the cluster and pulling images from ECR.
var nodeRolePolicies = []string{"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}

// withoutCniPolicy leaves role, the one awseksv2.Nodegroup creates, with
// nodeRolePolicies and more only: the construct also attaches
// AmazonEKS_CNI_Policy. The role is kept rather than replaced by one of
// ours because a node group's NodeRole cannot change in place:
// CloudFormation would replace every node group, not just their nodes.
// Its managed policies do change in place.
func withoutCniPolicy(role awsiam.IRole, more ...*string) {
	arns := make([]*string, 0, len(nodeRolePolicies)+len(more))
	for _, name := range nodeRolePolicies {
		arns = append(arns, awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String(name)).ManagedPolicyArn())
	}
	arns = append(arns, more...)
	role.Node().DefaultChild().(awsiam.CfnRole).SetManagedPolicyArns(&arns)
}

// AddNodeGroup adds a versioned node group to the cluster under the id
// NodeGroup-<name>.
func (c *Cluster) AddNodeGroup(p VersionedNodeGroupProps) *VersionedNodeGroup {
	p.Cluster = c.Cluster
	p.NetworkAddon = c.Addons[spec.AddonVpcCni]
	if c.NodeSessionPolicy != nil {
		p.SessionPolicy = c.NodeSessionPolicy
	}
	if p.Name == "" {
		p.Name = spec.DefaultNodeGroupName(p.Pool, p.Version)
	}
	return NewVersionedNodeGroup(c.Construct, "NodeGroup-"+p.Name, p)
}
