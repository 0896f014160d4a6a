package spec

import "regexp"

var (
	// A Direct Connect gateway id is a UUID (DescribeDirectConnectGateways
	// directConnectGatewayId).
	directConnectGatewayID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// A transit gateway id: tgw- and 8 or 17 hex digits.
	transitGatewayID = regexp.MustCompile(`^tgw-[0-9a-f]{8,17}$`)
)

// IsDirectConnectGatewayID reports whether s is a Direct Connect gateway id.
func IsDirectConnectGatewayID(s string) bool { return directConnectGatewayID.MatchString(s) }

// IsTransitGatewayID reports whether s is a transit gateway id (tgw-...).
func IsTransitGatewayID(s string) bool { return transitGatewayID.MatchString(s) }
