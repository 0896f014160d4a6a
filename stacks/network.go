package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/ecplatform/eks-platform/constructs/network"
	"github.com/ecplatform/eks-platform/envs"
)

// NetworkStack is <env>-network: the VPC and its Direct Connect attachment.
// Later stacks take its Vpc by reference; CDK turns that into exports.
type NetworkStack struct {
	awscdk.Stack
	Network *network.Network
}

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
		})
	}
	return s
}
