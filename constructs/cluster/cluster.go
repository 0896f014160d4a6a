package cluster

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/spec"
)

var (
	clusterName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)
)

// ClusterProps configures a Cluster.
type ClusterProps struct {
	// Vpc holds the cluster; the control plane's ENIs, the nodes and the
	// kubectl provider go in its private subnets. Required.
	Vpc awsec2.IVpc
	// Version is the Kubernetes minor, a key of the version table. Required.
	Version string
	// ServiceCidr is the range Kubernetes Services take their IPs from, a
	// private /12 to /24. kube-proxy captures it on every node, so it must
	// overlap nothing the pods need to reach. EKS fixes it at creation.
	// @default - EKS picks 10.100.0.0/16 or 172.20.0.0/16, whichever does
	// not overlap the VPC; it does not know the networks routed beyond it
	ServiceCidr string
	// PublicAccessCidrs opens the public API endpoint to these ranges only.
	// @default - the endpoint is private (VPC and, through it, on-prem)
	PublicAccessCidrs []string
	// AdminRoleArns get AmazonEKSClusterAdminPolicy through access entries.
	// Required: a cluster nobody can administer cannot be repaired.
	AdminRoleArns []string
	// ReadOnlyRoleArns get AmazonEKSViewPolicy.
	ReadOnlyRoleArns []string
	// AccessEntryIDs pin the construct id of a principal's access entry,
	// by principal ARN, for entries deployed under another id than
	// spec.AccessEntryID's: EKS takes one entry per principal, and CloudFormation
	// creates a renamed entry before it deletes the old one, so a deployed
	// entry cannot change its id.
	// @default - every entry's id is spec.AccessEntryID's
	AccessEntryIDs map[string]string
	// AddonVersions overrides the table's pinned add-on versions by name.
	AddonVersions map[string]string
	// KubectlLayer holds kubectl and helm for the kubectl provider, which
	// applies the Load Balancer Controller and any manifest. Required.
	KubectlLayer awslambda.ILayerVersion
	// Name is the cluster's physical name, e.g. prd-blue. With it, the
	// control-plane log group /aws/eks/<name>/cluster is created here
	// (KMS-encrypted, retained, with ControlPlaneLogRetention) before EKS
	// would create it unmanaged.
	// @default - CloudFormation names the cluster and EKS owns its log group
	Name string
	// ControlPlaneLogRetention keeps control-plane logs this long.
	// @default awslogs.RetentionDays_ONE_YEAR
	ControlPlaneLogRetention awslogs.RetentionDays
	// RemovalPolicy applies to the cluster and its secrets key.
	// @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
	// Retiring deletes the EKS cluster with its stack whatever
	// RemovalPolicy says (its keys and log groups still follow it): the
	// last deploy before a retired cluster's stack is deleted, so that the
	// deletion stops it instead of leaving it running. The cluster is
	// tagged TagState=StateRetiring, which the review reads.
	Retiring bool
	// TargetGroupStacks are the CloudFormation stacks whose target groups
	// are bound to the cluster's pods (its edge): the Load Balancer
	// Controller may register targets in their target groups only.
	// @default - the cluster's own stack
	TargetGroupStacks []string
	// NodeSessions lets Session Manager reach the nodes, every session
	// logged: each node group's role gets SessionManagerPolicy and
	// NodeSessionPolicy.
	// @default - no Session Manager: the nodes are not managed instances
	NodeSessions *NodeSessions
}

// Validate reports every problem with the props.
func (p ClusterProps) Validate() error {
	var errs []error
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if _, ok := spec.LookupVersion(p.Version); !ok {
		errs = append(errs, fmt.Errorf("version: must be one of %v, got %q", spec.SupportedVersions(), p.Version))
	}
	if p.ServiceCidr != "" {
		if pr, err := netip.ParsePrefix(p.ServiceCidr); err != nil || pr.Masked() != pr || pr.Bits() < 12 || pr.Bits() > 24 || !pr.Addr().Is4() || !pr.Addr().IsPrivate() {
			errs = append(errs, fmt.Errorf("serviceCidr: must be a private IPv4 /12 to /24 network, got %q", p.ServiceCidr))
		}
	}
	for i, c := range p.PublicAccessCidrs {
		if pr, err := netip.ParsePrefix(c); err != nil || pr.Bits() == 0 {
			errs = append(errs, fmt.Errorf("publicAccessCidrs[%d]: must be a CIDR narrower than 0.0.0.0/0, got %q", i, c))
		}
	}
	if len(p.AdminRoleArns) == 0 {
		errs = append(errs, errors.New("adminRoleArns: at least one role must administer the cluster"))
	}
	for i, a := range append(slices.Clone(p.AdminRoleArns), p.ReadOnlyRoleArns...) {
		if !spec.IsRoleArn(a) {
			errs = append(errs, fmt.Errorf("role ARN %d: must be an IAM role ARN, got %q", i, a))
		}
	}
	if p.Name != "" && !clusterName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be 1-100 letters, digits, - or _ starting with a letter or digit, got %q", p.Name))
	}
	for _, name := range slices.Sorted(maps.Keys(p.AddonVersions)) {
		if !slices.Contains(spec.PinnedAddons, name) {
			errs = append(errs, fmt.Errorf("addonVersions: unknown add-on %q, known: %v", name, spec.PinnedAddons))
		}
	}
	if p.KubectlLayer == nil {
		errs = append(errs, errors.New("kubectlLayer: required"))
	}
	if p.NodeSessions != nil {
		if err := p.NodeSessions.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("nodeSessions: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Cluster is an EKS cluster (native AWS::EKS::Cluster) run the way a
// platform team can upgrade for years: no Auto Mode and no default capacity
// (capacity is versioned node groups only), a private API endpoint unless
// ranges are listed, secrets encrypted with a rotating customer key, all
// five control-plane log types, access entries instead of aws-auth, pinned
// managed add-ons, and the AWS Load Balancer Controller with its IAM
// through EKS Pod Identity.
type Cluster struct {
	constructs.Construct
	Cluster awseksv2.Cluster
	// SecretsKey encrypts Kubernetes secrets.
	SecretsKey awskms.Key
	// Version is the version table entry the cluster runs.
	Version spec.Version
	// Addons by add-on name.
	Addons map[string]awseksv2.Addon
	// ControlPlaneLogs holds the audit, API and other control-plane logs
	// (nil when the cluster has no physical name).
	ControlPlaneLogs awslogs.LogGroup
	// LogKey encrypts the cluster's log groups: control-plane logs and
	// Container Insights' (nil when the cluster has no physical name).
	LogKey awskms.Key
	// LoadBalancerController binds ALB target groups to pods; anything that
	// creates a TargetGroupBinding depends on it.
	LoadBalancerController *LoadBalancerController
	// NodeSessionPolicy lets SSM Agent on the nodes log Session Manager
	// sessions (nil without ClusterProps.NodeSessions).
	NodeSessionPolicy awsiam.ManagedPolicy
	// Name is the cluster's physical name ("" when CloudFormation names it).
	Name          string
	addonVersions map[string]string
	removalPolicy awscdk.RemovalPolicy
}

// AddonVersion is the version the cluster pins for a managed add-on: the
// config's override, else the version table's.
func (c *Cluster) AddonVersion(name string) string {
	if v, ok := c.addonVersions[name]; ok {
		return v
	}
	return c.Version.Addons[name]
}

// LogTypes are the control-plane log types every cluster sends to CloudWatch
// Logs: the audit trail of who did what through the Kubernetes API.
var LogTypes = []awseksv2.ClusterLoggingTypes{
	awseksv2.ClusterLoggingTypes_API, awseksv2.ClusterLoggingTypes_AUDIT, awseksv2.ClusterLoggingTypes_AUTHENTICATOR,
	awseksv2.ClusterLoggingTypes_CONTROLLER_MANAGER, awseksv2.ClusterLoggingTypes_SCHEDULER,
}

// NewCluster provisions the cluster; it panics on invalid props.
func NewCluster(scope constructs.Construct, id string, props ClusterProps) *Cluster {
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if props.ControlPlaneLogRetention == "" {
		props.ControlPlaneLogRetention = awslogs.RetentionDays_ONE_YEAR
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	c := &Cluster{Construct: self, Version: mustVersion(props.Version), Addons: map[string]awseksv2.Addon{}, Name: props.Name, addonVersions: props.AddonVersions, removalPolicy: props.RemovalPolicy}

	c.SecretsKey = encryption.NewKey(self, "SecretsKey", encryption.KeyProps{
		Description:   fmt.Sprintf("Encrypts the Kubernetes secrets of %s", *self.Node().Path()),
		RemovalPolicy: props.RemovalPolicy,
	})
	endpoint := awseksv2.EndpointAccess_PRIVATE()
	if len(props.PublicAccessCidrs) > 0 {
		endpoint = awseksv2.EndpointAccess_PUBLIC_AND_PRIVATE().OnlyFrom(*jsii.Strings(props.PublicAccessCidrs...)...)
	}
	private := &[]*awsec2.SubnetSelection{{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}}
	clusterRemoval := props.RemovalPolicy
	if props.Retiring {
		clusterRemoval = awscdk.RemovalPolicy_DESTROY
	}
	var name, serviceCidr *string
	if props.Name != "" {
		name = jsii.String(props.Name)
	}
	if props.ServiceCidr != "" {
		serviceCidr = jsii.String(props.ServiceCidr)
	}
	c.Cluster = awseksv2.NewCluster(self, jsii.String("Resource"), &awseksv2.ClusterProps{
		Version:              kubernetesVersion(c.Version),
		ClusterName:          name,
		ServiceIpv4Cidr:      serviceCidr,
		Vpc:                  props.Vpc,
		VpcSubnets:           private,
		EndpointAccess:       endpoint,
		SecretsEncryptionKey: c.SecretsKey,
		ClusterLogging:       &LogTypes,
		// Managed node groups only: no Auto Mode, no unversioned default group.
		DefaultCapacityType: awseksv2.DefaultCapacityType_NODEGROUP,
		DefaultCapacity:     jsii.Number(0),
		// The deploy role does not keep cluster-admin: access is the
		// entries below, reviewed in config.
		BootstrapClusterCreatorAdminPermissions: jsii.Bool(false),
		KubectlProviderOptions: &awseksv2.KubectlProviderOptions{
			KubectlLayer:   props.KubectlLayer,
			PrivateSubnets: props.Vpc.SelectSubnets(&awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}).Subnets,
		},
		RemovalPolicy: clusterRemoval,
	})
	if props.Retiring {
		// The review of what is deployed reads from this tag that the
		// cluster may be removed (internal/review).
		awscdk.Tags_Of(c.Cluster.Node().DefaultChild()).Add(jsii.String(TagState), jsii.String(StateRetiring), nil)
	}
	if props.Name != "" {
		c.ControlPlaneLogs = c.newControlPlaneLogGroup(props)
		c.Cluster.Node().AddDependency(c.ControlPlaneLogs)
	}
	c.grantAccess(props)
	c.addAddons(props)
	if props.NodeSessions != nil {
		c.NodeSessionPolicy = c.newNodeSessionPolicy(*props.NodeSessions)
	}
	c.LoadBalancerController = NewLoadBalancerController(self, "LoadBalancerController", LoadBalancerControllerProps{
		Cluster:           c.Cluster,
		DependsOn:         []constructs.IDependable{c.Addons[spec.AddonPodIdentityAgent]},
		TargetGroupStacks: props.TargetGroupStacks,
	})
	suppressCluster(c)
	return c
}

// newControlPlaneLogGroup creates the log group EKS writes control-plane
// logs to, so that its retention, encryption and removal are ours.
func (c *Cluster) newControlPlaneLogGroup(props ClusterProps) awslogs.LogGroup {
	c.LogKey = encryption.NewKey(c.Construct, "ControlPlaneLogKey", encryption.KeyProps{
		Description:   "Encrypts the control-plane and Container Insights logs of EKS cluster " + props.Name,
		RemovalPolicy: props.RemovalPolicy,
	})
	encryption.AllowCloudWatchLogs(c.LogKey, fmt.Sprintf("/aws/eks/%s/cluster", props.Name), spec.ContainerInsightsLogGroup(props.Name, "*"))
	return awslogs.NewLogGroup(c.Construct, jsii.String("ControlPlaneLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(fmt.Sprintf("/aws/eks/%s/cluster", props.Name)),
		Retention:     props.ControlPlaneLogRetention,
		EncryptionKey: c.LogKey,
		RemovalPolicy: props.RemovalPolicy,
	})
}

// addonConfiguration is the configuration of the add-ons that need one.
// The VPC CNI gives pods security groups of their own (ENABLE_POD_ENI):
// each service's database admits only its pods' group. Standard mode keeps
// the node's rules for traffic between pods on a node, and TCP early
// demux is off so that kubelet's probes reach pods with their own ENI
// (EKS User Guide, "Security groups for Pods").
var addonConfiguration = map[string]*map[string]any{
	spec.AddonVpcCni: {
		"env":  map[string]any{"ENABLE_POD_ENI": "true", "POD_SECURITY_GROUP_ENFORCING_MODE": "standard"},
		"init": map[string]any{"env": map[string]any{"DISABLE_TCP_EARLY_DEMUX": "true"}},
	},
}

// addAddons installs the managed add-ons at their pinned versions. The VPC
// CNI and the EBS CSI driver get their IAM roles through Pod Identity, on
// the add-on itself: the nodes' role carries neither's policy.
func (c *Cluster) addAddons(props ClusterProps) {
	for _, name := range spec.Addons {
		version := c.AddonVersion(name)
		if name == spec.AddonPodIdentityAgent {
			// The cluster creates this add-on itself for Pod Identity service
			// accounts; pin the one it has rather than adding a duplicate.
			agent := c.Cluster.EksPodIdentityAgent().(awseksv2.Addon)
			agent.Node().DefaultChild().(awscdk.CfnResource).AddPropertyOverride(jsii.String("AddonVersion"), version)
			c.Addons[name] = agent
			continue
		}
		c.Addons[name] = awseksv2.NewAddon(c.Construct, jsii.String("Addon-"+name), &awseksv2.AddonProps{
			Cluster:             c.Cluster,
			AddonName:           jsii.String(name),
			AddonVersion:        jsii.String(version),
			ConfigurationValues: addonConfiguration[name],
		})
	}
	// Security groups for pods: the VPC resource controller, on the
	// control plane, attaches branch ENIs with a SecurityGroupPolicy's
	// groups to the pods it selects, with the cluster role's permission.
	c.Cluster.Role().AddManagedPolicy(awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("AmazonEKSVPCResourceController")))
	// aws-node assigns the pods' IPs (IPv4: the cluster has no IPv6). Node
	// groups wait for this add-on (AddNodeGroup): a node's aws-node gets
	// these credentials only if the association exists when its pod starts.
	c.NewAddonRole(c.Construct, "VpcCniRole", c.Addons[spec.AddonVpcCni], "kube-system", "aws-node", awsiam.RoleProps{
		Description:     jsii.String("Amazon VPC CNI (aws-node), through EKS Pod Identity"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("AmazonEKS_CNI_Policy"))},
	})
	c.NewAddonRole(c.Construct, "EbsCsiDriverRole", c.Addons[spec.AddonEbsCsiDriver], "kube-system", "ebs-csi-controller-sa", awsiam.RoleProps{
		Description:     jsii.String("EBS CSI driver controller, through EKS Pod Identity"),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AmazonEBSCSIDriverPolicy"))},
	})
}
