// Package network provisions an environment's VPC and its private link to
// the on-prem data centre.
package network

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// NetworkProps configures a Network.
type NetworkProps struct {
	// Cidr is the VPC's IPv4 range, /16 to /20. Required.
	Cidr string
	// AvailabilityZones are the 3 zones the subnets span. Required: given
	// explicitly so that synth never looks them up.
	AvailabilityZones []string
	// NatGateways is the number of NAT gateways.
	// @default one per availability zone
	NatGateways int
	// FlowLogBucket receives the VPC flow logs (Parquet, Hive-compatible
	// hourly partitions, for Athena).
	// @default - flow logs go to a KMS-encrypted CloudWatch Logs group
	FlowLogBucket awss3.IBucket
	// FlowLogRetentionDays is the retention of the default flow log group.
	// @default 365
	FlowLogRetentionDays int
	// RemovalPolicy applies to the default flow log group and its key.
	// @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p NetworkProps) Validate() error {
	var errs []error
	if pr, err := netip.ParsePrefix(p.Cidr); err != nil || !pr.Addr().Is4() {
		errs = append(errs, fmt.Errorf("cidr: must be an IPv4 CIDR, got %q", p.Cidr))
	} else if pr.Bits() < 16 || pr.Bits() > 20 {
		errs = append(errs, fmt.Errorf("cidr: must be /16 to /20, got /%d", pr.Bits()))
	}
	if len(p.AvailabilityZones) != 3 {
		errs = append(errs, fmt.Errorf("availabilityZones: must be exactly 3, got %d", len(p.AvailabilityZones)))
	}
	if p.NatGateways < 1 || p.NatGateways > len(p.AvailabilityZones) {
		errs = append(errs, fmt.Errorf("natGateways: must be between 1 and %d, got %d", len(p.AvailabilityZones), p.NatGateways))
	}
	if p.FlowLogRetentionDays < 1 {
		errs = append(errs, fmt.Errorf("flowLogRetentionDays: must be >= 1, got %d", p.FlowLogRetentionDays))
	}
	return errors.Join(errs...)
}

// Network is a VPC over three AZs with public, private (egress through NAT)
// and isolated subnets, flow logs of all traffic, and the VPC endpoints that
// EKS nodes in private subnets need. Public subnets hold only load balancers
// and NAT gateways: they never assign public IPs to instances.
type Network struct {
	constructs.Construct
	// Vpc is the environment's VPC.
	Vpc awsec2.Vpc
	// EndpointSecurityGroup guards the interface endpoints (443 from the VPC).
	EndpointSecurityGroup awsec2.SecurityGroup
	// FlowLogs is the flow log of all VPC traffic.
	FlowLogs awsec2.FlowLog
}

// Subnet group names, also the names the subnets carry in the console.
const (
	PublicSubnets   = "public"
	PrivateSubnets  = "private"
	IsolatedSubnets = "isolated"
)

// NewNetwork provisions the VPC. It panics on invalid props: envs/ has
// already rejected every bad config with a user-facing message.
func NewNetwork(scope constructs.Construct, id string, props NetworkProps) *Network {
	if props.NatGateways == 0 {
		props.NatGateways = len(props.AvailabilityZones)
	}
	if props.FlowLogRetentionDays == 0 {
		props.FlowLogRetentionDays = 365
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	env := policyEnvOf(scope, id)
	n := &Network{Construct: constructs.NewConstruct(scope, &id)}
	vpcBits := netip.MustParsePrefix(props.Cidr).Bits()

	n.Vpc = awsec2.NewVpc(n.Construct, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses:       awsec2.IpAddresses_Cidr(jsii.String(props.Cidr)),
		AvailabilityZones: jsii.Strings(props.AvailabilityZones...),
		NatGateways:       jsii.Number(props.NatGateways),
		// Private subnets get a quarter of the VPC each: with the VPC CNI
		// every pod takes an IP from them. Public and isolated subnets hold
		// load balancers, NAT and endpoints-only workloads: 1/32 each.
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String(PrivateSubnets), SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS, CidrMask: jsii.Number(vpcBits + 2)},
			{Name: jsii.String(PublicSubnets), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(vpcBits + 5), MapPublicIpOnLaunch: jsii.Bool(false)},
			{Name: jsii.String(IsolatedSubnets), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(vpcBits + 5)},
		},
		RestrictDefaultSecurityGroup: jsii.Bool(true),
		EnableDnsHostnames:           jsii.Bool(true),
		EnableDnsSupport:             jsii.Bool(true),
	})
	// The AWS Load Balancer Controller finds subnets for ALBs by these tags.
	for _, s := range *n.Vpc.PublicSubnets() {
		awscdk.Tags_Of(s).Add(jsii.String("kubernetes.io/role/elb"), jsii.String("1"), nil)
	}
	for _, s := range *n.Vpc.PrivateSubnets() {
		awscdk.Tags_Of(s).Add(jsii.String("kubernetes.io/role/internal-elb"), jsii.String("1"), nil)
	}

	n.FlowLogs = newFlowLogs(n, props)
	n.EndpointSecurityGroup = addEndpoints(n, n.Vpc, props.Cidr, env)
	suppressNetwork(n)
	return n
}
