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
// itself and the on-prem ranges over Direct Connect. Whatever must not
// shadow a destination (the clusters' service ranges) is checked against
// all of them. Unparsable ranges are left out: they are reported where
// they are declared.
func (c *Config) routedRanges() []routedRange {
	var out []routedRange
	if p, err := netip.ParsePrefix(c.Network.VpcCidr); err == nil {
		out = append(out, routedRange{"network.vpcCidr", p.Masked()})
	}
	for i, s := range c.Network.OnPremCidrs {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, routedRange{fmt.Sprintf("network.onPremCidrs[%d]", i), p.Masked()})
		}
	}
	return out
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
	fix := "choose a private /16 that overlaps none of the VPC and on-prem ranges"
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
