package network

import "github.com/ecplatform/eks-platform/constructs/compliance"

// suppressNetwork holds every compliance exemption of the Network.
func suppressNetwork(n *Network) {
	compliance.Suppress(n.Construct,
		compliance.Suppression{
			Rule:   "PCI.DSS.321-VPCNoUnrestrictedRouteToIGW",
			Reason: "Public subnets route 0.0.0.0/0 to the internet gateway for the internet-facing ALB and NAT gateways only; they assign no public IPs and hold no instances.",
		},
		compliance.Suppression{
			Rule:   "PCI.DSS.321-IAMNoInlinePolicy",
			Reason: "The flow log role's only policy is the least-privilege grant CDK generates for its one log group; a managed policy would be reusable by roles that must not have it.",
		},
	)
}
