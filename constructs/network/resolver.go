package network

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53resolver"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// reservedBlockBits is the size of the block reserved around each endpoint
// address: a /28, the smallest block EC2 reserves for prefixes.
const reservedBlockBits = 28

// InboundResolverProps configures an InboundResolver.
type InboundResolverProps struct {
	// Vpc is the VPC whose names the endpoint answers. Required.
	Vpc awsec2.IVpc
	// AllowedCidrs are the ranges of the DNS servers that forward to the
	// endpoint (the on-prem ranges): its security group admits them on 53
	// over TCP and UDP, and nothing else. Required.
	AllowedCidrs []string
	// Subnets hold one endpoint address each, in distinct availability
	// zones (Route 53 requires two at least). Their CIDR blocks must be
	// known at synth, as the VPC's own subnets' are: the addresses are
	// computed from them.
	// @default the VPC's private subnets
	Subnets []awsec2.ISubnet
	// HostOffset places the endpoint's address in each subnet, counted
	// from the subnet's first address. The /28 that holds it is reserved,
	// so it must hold none of the addresses AWS keeps (the first 4 and the
	// last of the subnet): 16 at least, and 17 short of the subnet's size
	// at most.
	// @default - 32 short of the subnet's size: the first address of its second-to-last /28
	HostOffset int
}

// Validate reports every problem with the props.
func (p InboundResolverProps) Validate() error {
	var errs []error
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if len(p.AllowedCidrs) == 0 {
		errs = append(errs, errors.New("allowedCidrs: required: the ranges of the DNS servers that forward to the endpoint"))
	}
	for i, c := range p.AllowedCidrs {
		if pr, err := netip.ParsePrefix(c); err != nil || !pr.Addr().Is4() || pr.Bits() == 0 {
			errs = append(errs, fmt.Errorf("allowedCidrs[%d]: must be an IPv4 CIDR narrower than 0.0.0.0/0, got %q", i, c))
		}
	}
	if len(p.Subnets) < 2 {
		errs = append(errs, fmt.Errorf("subnets: Route 53 needs 2 at least, in distinct availability zones, got %d", len(p.Subnets)))
	}
	if p.HostOffset < 0 {
		errs = append(errs, fmt.Errorf("hostOffset: must be positive, got %d", p.HostOffset))
	}
	zones := map[string]int{}
	for i, s := range p.Subnets {
		if s == nil {
			errs = append(errs, fmt.Errorf("subnets[%d]: nil", i))
			continue
		}
		cidr, az := s.Ipv4CidrBlock(), s.AvailabilityZone()
		if cidr == nil || *awscdk.Token_IsUnresolved(cidr) {
			errs = append(errs, fmt.Errorf("subnets[%d]: its CIDR block must be known at synth to place the endpoint's address in it (a subnet of the VPC, not an import)", i))
		} else if _, err := resolverAddress(*cidr, p.HostOffset); err != nil {
			errs = append(errs, fmt.Errorf("subnets[%d]: %w", i, err))
		}
		if az != nil && !*awscdk.Token_IsUnresolved(az) {
			if j, dup := zones[*az]; dup {
				errs = append(errs, fmt.Errorf("subnets[%d]: in %s, as subnets[%d]: one subnet per availability zone", i, *az, j))
			}
			zones[*az] = i
		}
	}
	return errors.Join(errs...)
}

// resolverAddress is the endpoint's address in subnet cidr and the /28
// reserved for it: offset from the subnet's first address (0 takes the
// default), refused where the /28 would hold an address AWS keeps.
func resolverAddress(cidr string, offset int) (netip.Prefix, error) {
	subnet, err := netip.ParsePrefix(cidr)
	if err != nil || !subnet.Addr().Is4() || subnet.Masked() != subnet {
		return netip.Prefix{}, fmt.Errorf("must be an IPv4 subnet, got %q", cidr)
	}
	if subnet.Bits() > reservedBlockBits-2 {
		return netip.Prefix{}, fmt.Errorf("%s is too small for a reserved /%d beside AWS's own addresses: /%d at most", subnet, reservedBlockBits, reservedBlockBits-2)
	}
	size := 1 << (32 - subnet.Bits())
	if offset == 0 {
		offset = size - 32
	}
	block := 1 << (32 - reservedBlockBits)
	// AWS keeps the first 4 addresses (network, router, DNS, future) and
	// the last (broadcast): the reserved /28 must hold none of them.
	first, last := block, size-block-1
	if offset < first || offset > last {
		return netip.Prefix{}, fmt.Errorf("hostOffset %d of %s is not usable: the /%d that holds it must leave out the 4 first and the last address, which AWS keeps: use %d to %d", offset, subnet, reservedBlockBits, first, last)
	}
	base := binary.BigEndian.Uint32(subnet.Addr().AsSlice())
	var ip [4]byte
	binary.BigEndian.PutUint32(ip[:], base+uint32(offset))
	return netip.PrefixFrom(netip.AddrFrom4(ip), reservedBlockBits), nil
}

// InboundResolver is a Route 53 Resolver inbound endpoint: the on-prem DNS
// servers forward the env's private zone to its addresses, one in each
// subnet (one per AZ), and it answers as the VPC's own resolver would.
//
// An endpoint has no attribute listing the addresses it got, and the DNS
// team configures its forwarders once: so the addresses are chosen at
// synth, not left to EC2. In each subnet the address is HostOffset from
// the subnet's start (by default the first address of its second-to-last
// /28: 10.130.63.224 in 10.130.0.0/18), and that /28 gets an explicit
// subnet CIDR reservation, which EC2 never hands out on its own: nodes and
// pods, whose addresses EC2 assigns, can never take it, before the endpoint
// is created or after it is removed. The addresses are known from config
// alone (Addresses), so the stack outputs them and the review shows them.
// The first deploy fails, and changes nothing, if a node or pod already
// holds an address of a block (the reservation or the endpoint is refused);
// top-of-subnet blocks make that unlikely.
//
// Its security group admits DNS (53, TCP and UDP) from AllowedCidrs and
// allows nothing out: replies to what it admitted pass anyway, as security
// groups are stateful, and the endpoint hands queries to the VPC's resolver
// inside AWS, not through its interfaces. Being tracked, its connections
// cap each address at about 1,500 queries a second (AWS's Resolver scaling
// guidance), ample for data-centre forwarders of one zone.
//
// The endpoint is replaced if its security group is (a new description or
// VPC), and a replacement at the same addresses fails while the old one
// holds them: the group's description names only its construct path.
// Moving it means turning it off, deploying, and on again.
type InboundResolver struct {
	constructs.Construct
	// Endpoint is the Route 53 Resolver endpoint.
	Endpoint awsroute53resolver.CfnResolverEndpoint
	// SecurityGroup guards the endpoint's interfaces.
	SecurityGroup awsec2.SecurityGroup
	// Addresses are the endpoint's addresses, one per subnet, in subnet order.
	Addresses []string
}

// NewInboundResolver provisions the endpoint; it panics on invalid props.
func NewInboundResolver(scope constructs.Construct, id string, props InboundResolverProps) *InboundResolver {
	if props.Subnets == nil && props.Vpc != nil {
		props.Subnets = *props.Vpc.PrivateSubnets()
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	r := &InboundResolver{Construct: constructs.NewConstruct(scope, &id)}
	path := *r.Node().Path()
	r.SecurityGroup = awsec2.NewSecurityGroup(r.Construct, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String(path + ": DNS in from on-prem, nothing out"),
		AllowAllOutbound: jsii.Bool(false),
	})
	for _, c := range props.AllowedCidrs {
		peer := awsec2.Peer_Ipv4(jsii.String(c))
		r.SecurityGroup.AddIngressRule(peer, awsec2.Port_Udp(jsii.Number(53)), jsii.String("DNS over UDP from "+c), nil)
		r.SecurityGroup.AddIngressRule(peer, awsec2.Port_Tcp(jsii.Number(53)), jsii.String("DNS over TCP from "+c), nil)
	}
	var requests []interface{}
	var reservations []awscdk.CfnResource
	for i, s := range props.Subnets {
		block, _ := resolverAddress(*s.Ipv4CidrBlock(), props.HostOffset)
		addr := block.Addr().String()
		r.Addresses = append(r.Addresses, addr)
		requests = append(requests, &awsroute53resolver.CfnResolverEndpoint_IpAddressRequestProperty{
			SubnetId: s.SubnetId(),
			Ip:       jsii.String(addr),
		})
		reservations = append(reservations, awsec2.NewCfnSubnetCidrReservation(r.Construct, jsii.String(fmt.Sprintf("Reservation%d", i)), &awsec2.CfnSubnetCidrReservationProps{
			SubnetId:        s.SubnetId(),
			Cidr:            jsii.String(block.Masked().String()),
			ReservationType: jsii.String("explicit"),
			Description:     jsii.String("Route 53 Resolver inbound endpoint " + addr + " (" + path + ")"),
		}))
	}
	r.Endpoint = awsroute53resolver.NewCfnResolverEndpoint(r.Construct, jsii.String("Endpoint"), &awsroute53resolver.CfnResolverEndpointProps{
		Direction:        jsii.String("INBOUND"),
		Name:             jsii.String(strings.ReplaceAll(path, "/", "-")),
		IpAddresses:      requests,
		SecurityGroupIds: &[]*string{r.SecurityGroup.SecurityGroupId()},
	})
	// The blocks are reserved before the endpoint takes an address in
	// them, and freed after it let go.
	for _, res := range reservations {
		r.Endpoint.AddResourceDependency(res, jsii.String("the endpoint takes its address in a reserved block"))
	}
	return r
}
