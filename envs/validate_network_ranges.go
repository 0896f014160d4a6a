package envs

import (
	"fmt"
	"net/netip"
	"strings"
)

// routedRange is a range the env's VPC routes to, with the field that
// declares it, for messages that say which one collides.
type routedRange struct {
	field  string
	prefix netip.Prefix
}

// routedRanges are every range traffic from the VPC is routed to: the VPC
// itself, the on-prem ranges and the ranges routed through on-prem, over
// Direct Connect. Whatever must not shadow a destination (the clusters'
// service ranges) is checked against all of them. Ranges refused where
// they are declared (unparsable, or routed ranges wider than a /8) are
// left out.
func (c *Config) routedRanges() []routedRange {
	var out []routedRange
	if p, err := netip.ParsePrefix(c.Network.VpcCidr); err == nil {
		out = append(out, routedRange{"network.vpcCidr", p.Masked()})
	}
	for _, list := range []struct {
		field string
		cidrs []string
	}{{"onPremCidrs", c.Network.OnPremCidrs}, {"routedCidrs", c.Network.RoutedCidrs}} {
		for i, s := range list.cidrs {
			if p, err := netip.ParsePrefix(s); err == nil && (list.field != "routedCidrs" || p.Bits() >= minRoutedPrefixBits) {
				out = append(out, routedRange{fmt.Sprintf("network.%s[%d]", list.field, i), p.Masked()})
			}
		}
	}
	return out
}

// minRoutedPrefixBits: a routed range is at most a /8. A wider one would
// send internet traffic (the AWS APIs without an endpoint, image
// registries) through Direct Connect and the data centre.
const minRoutedPrefixBits = 8

// validateRoutedCidrs checks the ranges routed through on-prem without
// being trusted: canonical IPv4 ranges of at most a /8, each outside the
// VPC, the on-prem ranges and the other routed ranges (the clusters'
// service ranges are checked against them in validateServiceCidr), and, in
// tgw mode, few enough that every route table takes a static route to each
// beside the on-prem ones.
func validateRoutedCidrs(n Network, p *Path, errs *ErrorList) {
	vpc, vpcOK := parseCIDRQuiet(n.VpcCidr)
	var onPrem []netip.Prefix
	for _, s := range n.OnPremCidrs {
		r, _ := parseCIDRQuiet(s)
		onPrem = append(onPrem, r.Masked())
	}
	var routed []netip.Prefix
	for i, s := range n.RoutedCidrs {
		rp := p.Child("routedCidrs").Index(i)
		r, ok := parseCIDR(s, rp, errs)
		routed = append(routed, r)
		if !ok {
			continue
		}
		if r.Bits() < minRoutedPrefixBits {
			errs.Add(rp, "must be a /%d or narrower, got /%d: a wider range would send internet traffic through Direct Connect; list the other network's ranges", minRoutedPrefixBits, r.Bits())
			continue
		}
		if vpcOK && r.Overlaps(vpc.Masked()) {
			errs.Add(rp, "%s overlaps the VPC %s: its route would shadow the VPC's own addresses", r, vpc.Masked())
		}
		for j, o := range onPrem {
			if o.IsValid() && r.Overlaps(o) {
				errs.Add(rp, "%s overlaps onPremCidrs[%d] %s: a range is either on-prem (trusted: the internal ALB and the resolver admit it) or only routed through it (admitted nowhere); list it in one of the two", r, j, o)
			}
		}
		for j, o := range routed[:i] {
			if o.IsValid() && r.Overlaps(o) {
				errs.Add(rp, "%s overlaps routedCidrs[%d] %s: list each range once", r, j, o)
			}
		}
	}
	if routes := len(n.OnPremCidrs) + len(n.RoutedCidrs); n.DirectConnect.Mode == DirectConnectTGW && len(n.RoutedCidrs) > 0 && routes > MaxStaticRoutes {
		errs.Add(p.Child("routedCidrs"), "onPremCidrs (%d) and routedCidrs (%d) take %d static routes in each route table in tgw mode, at most %d (a route table takes 50, AWS's default quota, and the VPC's own routes 4): merge adjacent ranges", len(n.OnPremCidrs), len(n.RoutedCidrs), routes, MaxStaticRoutes)
	}
}

// EKS takes a service range of /12 to /24 inside the private address space.
const (
	minServicePrefixBits = 12
	maxServicePrefixBits = 24
)

// validateServiceCidr checks a cluster's Kubernetes service range: EKS's
// own rules (private, /12 to /24, outside the VPC) and that it shadows no
// range the env routes to, since kube-proxy captures the whole range on
// every node and pods could no longer reach what lies inside it.
func validateServiceCidr(c *Config, s string, p *Path, errs *ErrorList) {
	r, ok := parseCIDR(s, p, errs)
	if !ok {
		return
	}
	switch {
	case r.Bits() < minServicePrefixBits || r.Bits() > maxServicePrefixBits:
		errs.Add(p, "EKS takes a service range of /%d to /%d, got /%d", minServicePrefixBits, maxServicePrefixBits, r.Bits())
		return
	case !isPrivate(r):
		errs.Add(p, "EKS takes a service range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, got %s", r)
		return
	}
	routed := c.routedRanges()
	var hit []string
	for _, rr := range routed {
		if rr.prefix.Overlaps(r) {
			hit = append(hit, fmt.Sprintf("%s %s", rr.field, rr.prefix))
		}
	}
	if len(hit) == 0 {
		return
	}
	fix := "choose a private /16 that overlaps none of the VPC, on-prem and routed ranges"
	if free, ok := freeServiceRange(routed); ok {
		fix = fmt.Sprintf("set it to a range outside them, e.g. %s", free)
	}
	errs.Add(p, "%s overlaps %s: kube-proxy would capture that range on every node and pods could not reach it; %s", r, strings.Join(hit, " and "), fix)
}

// freeServiceRange suggests a /16 that overlaps none of the routed ranges.
func freeServiceRange(routed []routedRange) (netip.Prefix, bool) {
	candidates := []string{DefaultServiceCidr, "172.20.0.0/16", "10.200.0.0/16", "172.30.0.0/16", "192.168.0.0/16"}
	for _, s := range candidates {
		c := netip.MustParsePrefix(s)
		free := true
		for _, rr := range routed {
			free = free && !rr.prefix.Overlaps(c)
		}
		if free {
			return c, true
		}
	}
	return netip.Prefix{}, false
}
