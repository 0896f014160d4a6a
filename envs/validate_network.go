package envs

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/ecplatform/eks-platform/spec"
)

// privateIPv4Space is RFC 1918's: the VPC and every range the platform
// routes must be inside it.
var privateIPv4Space = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// VPC sizes the subnet plan fits: a /16 gives /18 private subnets (room
// for pod IPs with the VPC CNI); below /20 the private subnets get too small
// for a node group's pods.
const (
	minVpcPrefixBits = 16
	maxVpcPrefixBits = 20
)

// validateNetwork checks the network section: the VPC, the on-prem ranges
// and Direct Connect.
func validateNetwork(c *Config, p *Path, errs *ErrorList) {
	n := c.Network
	vpc, vpcOK := parseCIDR(n.VpcCidr, p.Child("vpcCidr"), errs)
	if vpcOK {
		switch {
		case vpc.Bits() < minVpcPrefixBits || vpc.Bits() > maxVpcPrefixBits:
			errs.Add(p.Child("vpcCidr"), "must be a /%d to /%d range, got /%d", minVpcPrefixBits, maxVpcPrefixBits, vpc.Bits())
		case !isPrivate(vpc):
			errs.Add(p.Child("vpcCidr"), "must be inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), got %s", vpc)
		}
	}
	if n.NatGateways < 1 || n.NatGateways > 3 {
		errs.Add(p.Child("natGateways"), "must be between 1 and 3 (one per AZ at most), got %d", n.NatGateways)
	}
	if len(n.OnPremCidrs) == 0 {
		errs.Required(p.Child("onPremCidrs"), "the on-prem ranges reached over Direct Connect")
	}
	var onPrem []netip.Prefix
	for i, s := range n.OnPremCidrs {
		cp := p.Child("onPremCidrs").Index(i)
		r, ok := parseCIDR(s, cp, errs)
		if !ok {
			continue
		}
		if vpcOK && r.Overlaps(vpc) {
			errs.Add(cp, "%s overlaps the VPC %s: on-prem routes would shadow the VPC", r, vpc)
		}
		for j, other := range onPrem {
			if other.IsValid() && r.Overlaps(other) {
				errs.Add(cp, "%s overlaps onPremCidrs[%d] %s: list each range once", r, j, other)
			}
		}
		onPrem = append(onPrem, r)
	}
	validateRoutedCidrs(n, p, errs)
	if n.Resolver.Inbound && len(n.OnPremCidrs) > MaxResolverOnPremCidrs {
		errs.Add(p.Child("resolver").Child("inbound"), "the resolver's security group takes 2 rules per on-prem range (DNS over TCP and UDP) and 60 rules in all (AWS's default quota): %d on-prem ranges need %d; merge onPremCidrs to %d at most", len(n.OnPremCidrs), 2*len(n.OnPremCidrs), MaxResolverOnPremCidrs)
	}
	validateDirectConnect(n.DirectConnect, p.Child("directConnect"), errs)
}

func validateDirectConnect(dx DirectConnect, p *Path, errs *ErrorList) {
	modes := make([]string, len(DirectConnectModes))
	for i, m := range DirectConnectModes {
		modes[i] = string(m)
	}
	switch {
	case dx.Mode == "":
		errs.Required(p.Child("mode"), "one of "+strings.Join(modes, ", "))
		return
	case !dx.Mode.Valid():
		errs.NotSupported(p.Child("mode"), dx.Mode, modes)
		return
	}
	if dx.Mode != DirectConnectVGW && dx.VGW != nil {
		errs.Add(p.Child("vgw"), "set only with mode vgw (mode is %s): remove it", dx.Mode)
	}
	if dx.Mode != DirectConnectTGW && dx.TGW != nil {
		errs.Add(p.Child("tgw"), "set only with mode tgw (mode is %s): remove it", dx.Mode)
	}
	switch dx.Mode {
	case DirectConnectVGW:
		vp := p.Child("vgw")
		if dx.VGW == nil {
			errs.Required(vp, "mode vgw needs vgw.directConnectGatewayId and vgw.amazonSideAsn")
			return
		}
		switch {
		case dx.VGW.DirectConnectGatewayID == "":
			errs.Required(vp.Child("directConnectGatewayId"), "the Direct Connect gateway's id (a UUID)")
		case !spec.IsDirectConnectGatewayID(dx.VGW.DirectConnectGatewayID):
			errs.Invalid(vp.Child("directConnectGatewayId"), fmt.Sprintf("%q", dx.VGW.DirectConnectGatewayID), "must be a Direct Connect gateway id (a lowercase UUID)")
		}
		if asn := dx.VGW.AmazonSideAsn; !privateASN(asn) {
			errs.Invalid(vp.Child("amazonSideAsn"), asn, "must be a private ASN (64512-65534 or 4200000000-4294967294)")
		}
	case DirectConnectTGW:
		tp := p.Child("tgw")
		if dx.TGW == nil {
			errs.Required(tp, "mode tgw needs tgw.transitGatewayId")
			return
		}
		switch {
		case dx.TGW.TransitGatewayID == "":
			errs.Required(tp.Child("transitGatewayId"), "the Transit Gateway's id, tgw-...")
		case !spec.IsTransitGatewayID(dx.TGW.TransitGatewayID):
			errs.Invalid(tp.Child("transitGatewayId"), fmt.Sprintf("%q", dx.TGW.TransitGatewayID), "must be a Transit Gateway id (tgw- and 8 to 17 hex digits)")
		}
	}
}

func privateASN(asn int64) bool {
	return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294)
}

func isPrivate(p netip.Prefix) bool {
	for _, r := range privateIPv4Space {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// parseCIDR parses an IPv4 CIDR and requires it in canonical form, so that
// what a reviewer reads is the range AWS gets.
func parseCIDR(s string, p *Path, errs *ErrorList) (netip.Prefix, bool) {
	if s == "" {
		errs.Required(p, "an IPv4 CIDR such as 10.20.0.0/16")
		return netip.Prefix{}, false
	}
	pr, err := netip.ParsePrefix(s)
	if err != nil || !pr.Addr().Is4() {
		errs.Add(p, "must be an IPv4 CIDR such as 10.20.0.0/16, got %q", s)
		return netip.Prefix{}, false
	}
	if pr.Masked() != pr {
		errs.Add(p, "has host bits set: write the network address %s, got %s", pr.Masked(), s)
		return netip.Prefix{}, false
	}
	return pr, true
}

func parseCIDRQuiet(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p, err == nil
}
