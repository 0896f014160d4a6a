package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/network"
	"github.com/ecplatform/eks-platform/envs"
)

// NetworkStack is <env>-network: the VPC, its Direct Connect attachment
// and, where config asks, the Route 53 Resolver inbound endpoint on-prem
// forwards the private zone to. Later stacks take its Vpc by reference;
// CDK turns that into exports.
type NetworkStack struct {
	awscdk.Stack
	Network *network.Network
	// InboundResolver is nil unless network.resolver.inbound is set.
	InboundResolver *network.InboundResolver
}

// InboundResolverOutput is the output of <env>-network that lists the
// inbound endpoint's addresses, comma-separated, for the on-prem DNS team.
const InboundResolverOutput = "InboundResolverAddresses"

// NewNetworkStack maps cfg.Network to the network constructs.
func NewNetworkStack(stage awscdk.Stage, cfg *envs.Config, logs *LoggingStack) *NetworkStack {
	s := &NetworkStack{Stack: newStack(stage, cfg, "network", "VPC over 3 AZs, endpoints, flow logs and Direct Connect")}
	n := cfg.Network
	s.Network = network.NewNetwork(s.Stack, "Network", network.NetworkProps{
		Cidr:              n.VpcCidr,
		AvailabilityZones: cfg.AvailabilityZones,
		NatGateways:       n.NatGateways,
		// Flow logs land in the log archive as Parquet, queryable by Athena.
		FlowLogBucket: logs.Archive.Audit.Bucket,
		RemovalPolicy: removalPolicy(cfg),
	})
	// Ranges routed through on-prem (n.RoutedCidrs) get routes and nothing
	// else: in vgw mode the VGW propagates what on-prem advertises, in tgw
	// mode each route table gets a static route; no security group of the
	// env is given them.
	switch n.DirectConnect.Mode {
	case envs.DirectConnectVGW:
		network.NewVgwAttachment(s.Stack, "DirectConnect", network.VgwAttachmentProps{
			Vpc:                    s.Network.Vpc,
			DirectConnectGatewayID: n.DirectConnect.VGW.DirectConnectGatewayID,
			AmazonSideAsn:          n.DirectConnect.VGW.AmazonSideAsn,
			AllowedPrefixes:        []string{n.VpcCidr},
		})
	case envs.DirectConnectTGW:
		network.NewTgwAttachment(s.Stack, "DirectConnect", network.TgwAttachmentProps{
			Vpc:              s.Network.Vpc,
			TransitGatewayID: n.DirectConnect.TGW.TransitGatewayID,
			OnPremCidrs:      n.OnPremCidrs,
			RoutedCidrs:      n.RoutedCidrs,
		})
	}
	if n.Resolver.Inbound {
		s.InboundResolver = network.NewInboundResolver(s.Stack, "InboundResolver", network.InboundResolverProps{
			Vpc:          s.Network.Vpc,
			AllowedCidrs: n.OnPremCidrs,
		})
		awscdk.NewCfnOutput(s.Stack, jsii.String(InboundResolverOutput), &awscdk.CfnOutputProps{
			Value:       jsii.String(strings.Join(s.InboundResolver.Addresses, ",")),
			Description: jsii.String(fmt.Sprintf("Route 53 Resolver inbound endpoint, one address per AZ: on-prem DNS forwards %s to them (docs/runbook.md)", cfg.Edge.PrivateZone.Name)),
		})
	}
	return s
}
