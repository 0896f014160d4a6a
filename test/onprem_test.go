package test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/stacks"
)

// sgRule is one security group rule of an env, with its CIDR peer.
type sgRule struct {
	stack, group, holder string // the group's logical id, the resource that holds the rule
	ingress              bool
	cidr                 netip.Prefix
	ports                string
}

func (r sgRule) String() string {
	dir := "egress to"
	if r.ingress {
		dir = "ingress from"
	}
	return fmt.Sprintf("%s %s (%s): %s %s %s", r.stack, r.group, r.holder, dir, r.cidr, r.ports)
}

// cidrRules are every security group rule of tmpls with a CIDR peer, inline
// or a resource of its own. A peer written as the VPC's CIDR block (an
// attribute of the network stack's VPC, or its export) is that CIDR; any
// other peer that is not a literal fails: no rule goes unchecked.
func cidrRules(t *testing.T, tmpls map[string]map[string]any, vpcCidr string) []sgRule {
	t.Helper()
	var out []sgRule
	add := func(stack, group, holder string, ingress bool, p map[string]any) {
		v, ok := p["CidrIp"]
		if !ok {
			if _, v6 := p["CidrIpv6"]; v6 {
				t.Errorf("%s %s: an IPv6 rule: extend this check", stack, holder)
			}
			return // a group or prefix list peer
		}
		s, literal := v.(string)
		if !literal {
			if r := catalogcheck.Render(v); strings.Contains(r, "NetworkVpc") && strings.Contains(r, "CidrBlock") {
				s = vpcCidr
			} else {
				t.Errorf("%s %s: CIDR peer %s is neither a literal nor the VPC's: cannot check it", stack, holder, r)
				return
			}
		}
		cidr, err := netip.ParsePrefix(s)
		if err != nil {
			t.Errorf("%s %s: CIDR peer %q: %v", stack, holder, s, err)
			return
		}
		out = append(out, sgRule{stack, group, holder, ingress, cidr.Masked(),
			fmt.Sprintf("%v %v-%v", p["IpProtocol"], p["FromPort"], p["ToPort"])})
	}
	for stack, tmpl := range tmpls {
		rs, _ := tmpl["Resources"].(map[string]any)
		for id, r := range rs {
			r := r.(map[string]any)
			p, _ := r["Properties"].(map[string]any)
			switch r["Type"] {
			case "AWS::EC2::SecurityGroup":
				for _, k := range []string{"SecurityGroupIngress", "SecurityGroupEgress"} {
					inline, _ := p[k].([]any)
					for _, rule := range inline {
						add(stack, id, id, k == "SecurityGroupIngress", rule.(map[string]any))
					}
				}
			case "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress":
				group := strings.TrimSuffix(strings.Trim(catalogcheck.Render(p["GroupId"]), "<>"), ".GroupId")
				add(stack, group, id, r["Type"] == "AWS::EC2::SecurityGroupIngress", p)
			}
		}
	}
	return out
}

// internetFacingGroups are the security groups of internet-facing load
// balancers, by stack and logical id.
func internetFacingGroups(tmpls map[string]map[string]any) map[string]bool {
	out := map[string]bool{}
	for stack, tmpl := range tmpls {
		for _, p := range resourcesOf(tmpl, "AWS::ElasticLoadBalancingV2::LoadBalancer") {
			if p["Scheme"] != "internet-facing" {
				continue
			}
			groups, _ := p["SecurityGroups"].([]any)
			for _, g := range groups {
				out[stack+"/"+strings.TrimSuffix(strings.Trim(catalogcheck.Render(g), "<>"), ".GroupId")] = true
			}
		}
	}
	return out
}

// routedRangeRules are the rules that name a range routed through on-prem:
// any rule whose CIDR overlaps one, but for 0.0.0.0/0, which means the
// internet: outbound anywhere, or inbound to an internet-facing load
// balancer, whose public addresses Direct Connect never carries.
func routedRangeRules(rules []sgRule, routed []netip.Prefix, internetFacing map[string]bool) []string {
	var bad []string
	for _, r := range rules {
		if r.cidr.Bits() == 0 && (!r.ingress || internetFacing[r.stack+"/"+r.group]) {
			continue
		}
		for _, rr := range routed {
			if r.cidr.Overlaps(rr) {
				bad = append(bad, fmt.Sprintf("%s: overlaps the routed range %s", r, rr))
			}
		}
	}
	return bad
}

// TestRoutedRangesAreRoutedNotTrusted: the ranges routed through on-prem
// (network.routedCidrs: another cloud's networks) are reachable from the
// VPC and admitted by nothing. In tgw mode every private and isolated
// route table sends each to the Transit Gateway, as it sends the on-prem
// ranges (in vgw mode the routes are the ones on-prem advertises, which
// the VGW propagates to the same tables: constructs/network). And no
// security group rule of any stack of the env names one (internal ALBs,
// interface endpoints, the resolver, clusters, databases, canaries): the
// check walks every rule, and shows itself failing on one injected into
// the real templates.
func TestRoutedRangesAreRoutedNotTrusted(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	withRouted := 0
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			var routed []netip.Prefix
			for _, s := range cfg.Network.RoutedCidrs {
				routed = append(routed, netip.MustParsePrefix(s))
			}
			if len(routed) > 0 {
				withRouted++
			}
			rules := cidrRules(t, tmpls, cfg.Network.VpcCidr)
			if len(rules) == 0 {
				t.Fatal("no security group rule with a CIDR: the check checked nothing")
			}
			internet := internetFacingGroups(tmpls)
			found := routedRangeRules(rules, routed, internet)
			for _, bad := range found {
				t.Error(bad)
			}
			if len(routed) > 0 {
				// An ingress rule from a routed range, as a careless edit
				// would add it to the internal ALB, is caught.
				injected := append(slices.Clone(rules), sgRule{stack: cfg.Name + "-edge-x", group: "InternalSG", holder: "Injected", ingress: true, cidr: routed[0], ports: "tcp 443-443"})
				if got := routedRangeRules(injected, routed, internet); len(got) != len(found)+1 {
					t.Errorf("an ingress from %s injected into the templates went unreported: %v", routed[0], got)
				}
			}

			if cfg.Network.DirectConnect.Mode != envs.DirectConnectTGW {
				return
			}
			network := tmpls[cfg.Name+"-network"]
			tgw := cfg.Network.DirectConnect.TGW.TransitGatewayID
			tables := map[string][]string{} // route table -> its TGW destinations
			for _, p := range resourcesOf(network, "AWS::EC2::Route") {
				if p["TransitGatewayId"] == tgw {
					table := catalogcheck.Render(p["RouteTableId"])
					tables[table] = append(tables[table], p["DestinationCidrBlock"].(string))
				}
			}
			// Exactly the route tables of the private and isolated subnets:
			// a public subnet's table would send on-prem traffic past the NAT.
			want := map[string]bool{}
			subnets := resourcesOf(network, "AWS::EC2::Subnet")
			for _, a := range resourcesOf(network, "AWS::EC2::SubnetRouteTableAssociation") {
				subnet := subnets[strings.Trim(catalogcheck.Render(a["SubnetId"]), "<>")]
				if kind := catalogcheck.Render(subnet["Tags"]); strings.Contains(kind, "Private") || strings.Contains(kind, "Isolated") {
					want[catalogcheck.Render(a["RouteTableId"])] = true
				}
			}
			if got := slices.Sorted(maps.Keys(tables)); len(want) != 6 || !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
				t.Errorf("route tables %v route to the Transit Gateway, want the private and isolated subnets' %v", got, slices.Sorted(maps.Keys(want)))
			}
			ranges := append(slices.Clone(cfg.Network.OnPremCidrs), cfg.Network.RoutedCidrs...)
			sort.Strings(ranges)
			for table, dests := range tables {
				sort.Strings(dests)
				if !slices.Equal(dests, ranges) {
					t.Errorf("route table %s sends %v to the Transit Gateway, want the on-prem and routed ranges %v", table, dests, ranges)
				}
			}
		})
	}
	if withRouted == 0 {
		t.Error("no shipped env routes a range through on-prem: the check checked nothing")
	}
}

// TestInboundResolver: where an env turns the resolver on, <env>-network
// has one inbound endpoint with an address in each AZ's private subnet,
// outputs exactly those addresses, and its security group admits DNS (53,
// TCP and UDP) from the env's on-prem ranges and nothing else, in or out;
// where it does not, neither the endpoint nor the output exists. The
// runbook's table for the DNS team lists the same addresses.
func TestInboundResolver(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	resolverAddrs := map[string]bool{} // every env's, for the runbook's examples
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			endpoints := 0
			for stack, tmpl := range tmpls {
				n := len(resourcesOf(tmpl, "AWS::Route53Resolver::ResolverEndpoint"))
				if n > 0 && stack != cfg.Name+"-network" {
					t.Errorf("%s has %d resolver endpoints, want them in %s-network", stack, n, cfg.Name)
				}
				endpoints += n
			}
			network := tmpls[cfg.Name+"-network"]
			outputs, _ := network["Outputs"].(map[string]any)
			output, hasOutput := outputs[stacks.InboundResolverOutput].(map[string]any)
			if !cfg.Network.Resolver.Inbound {
				if endpoints > 0 || hasOutput {
					t.Errorf("network.resolver.inbound is off, but there are %d endpoints (output: %v)", endpoints, hasOutput)
				}
				return
			}
			enabled[cfg.Name] = true
			eps := resourcesOf(network, "AWS::Route53Resolver::ResolverEndpoint")
			if len(eps) != 1 {
				t.Fatalf("%d resolver endpoints, want 1", len(eps))
			}
			var ep map[string]any
			for _, p := range eps {
				ep = p
			}
			if ep["Direction"] != "INBOUND" {
				t.Errorf("Direction %v, want INBOUND", ep["Direction"])
			}

			// One address in each AZ's private subnet, usable, and output.
			subnets := resourcesOf(network, "AWS::EC2::Subnet")
			var addrs, zones []string
			for _, a := range ep["IpAddresses"].([]any) {
				a := a.(map[string]any)
				ip, _ := a["Ip"].(string)
				addrs = append(addrs, ip)
				resolverAddrs[ip] = true
				subnet := subnets[strings.Trim(catalogcheck.Render(a["SubnetId"]), "<>")]
				if subnet == nil || !strings.Contains(catalogcheck.Render(subnet["Tags"]), "private") {
					t.Errorf("%s is not in a private subnet of the VPC (%v)", ip, a["SubnetId"])
					continue
				}
				zones = append(zones, subnet["AvailabilityZone"].(string))
				block := netip.MustParsePrefix(subnet["CidrBlock"].(string))
				addr, err := netip.ParseAddr(ip)
				if err != nil || !block.Contains(addr) {
					t.Errorf("%s is not an address of its subnet %s", ip, block)
					continue
				}
				first, last := usableRange(block)
				if addr.Less(first) || last.Less(addr) {
					t.Errorf("%s is one of the addresses AWS keeps in %s (usable: %s to %s)", ip, block, first, last)
				}
			}
			sort.Strings(zones)
			if want := slices.Sorted(slices.Values(cfg.AvailabilityZones)); !slices.Equal(zones, want) {
				t.Errorf("endpoint spans %v, want one address in each of %v", zones, want)
			}
			if !hasOutput {
				t.Fatalf("no output %s", stacks.InboundResolverOutput)
			}
			if got, want := output["Value"], strings.Join(addrs, ","); got != want {
				t.Errorf("output %s = %v, want the endpoint's addresses %s", stacks.InboundResolverOutput, got, want)
			}
			if d, _ := output["Description"].(string); !strings.Contains(d, cfg.Edge.PrivateZone.Name) {
				t.Errorf("output description %q does not name the zone to forward, %s", d, cfg.Edge.PrivateZone.Name)
			}
			// The runbook's table is what the DNS team reads.
			runbook, err := os.ReadFile("../docs/runbook.md")
			if err != nil {
				t.Fatal(err)
			}
			row := fmt.Sprintf("| %s | `%s` | `%s` |", cfg.Name, cfg.Edge.PrivateZone.Name, strings.Join(addrs, "`, `"))
			if !strings.Contains(string(runbook), row) {
				t.Errorf("docs/runbook.md lacks the row %q", row)
			}

			// Its security group: DNS from on-prem in, nothing out.
			groups := ep["SecurityGroupIds"].([]any)
			if len(groups) != 1 {
				t.Fatalf("endpoint in %d security groups, want its own", len(groups))
			}
			group := strings.TrimSuffix(strings.Trim(catalogcheck.Render(groups[0]), "<>"), ".GroupId")
			var in, out []string
			for _, r := range cidrRules(t, map[string]map[string]any{cfg.Name + "-network": network}, cfg.Network.VpcCidr) {
				if r.group != group {
					continue
				}
				if r.ingress {
					in = append(in, r.cidr.String()+" "+r.ports)
				} else {
					out = append(out, r.cidr.String()+" "+r.ports)
				}
			}
			var wantIn []string
			for _, c := range cfg.Network.OnPremCidrs {
				wantIn = append(wantIn, c+" tcp 53-53", c+" udp 53-53")
			}
			sort.Strings(in)
			sort.Strings(wantIn)
			if !slices.Equal(in, wantIn) {
				t.Errorf("ingress %v, want exactly DNS from the on-prem ranges %v", in, wantIn)
			}
			if none := []string{"255.255.255.255/32 icmp 252-86"}; !slices.Equal(out, none) {
				t.Errorf("egress %v, want none (CDK's placeholder %v)", out, none)
			}
			for stack, tmpl := range tmpls {
				for _, typ := range []string{"AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"} {
					for id, p := range resourcesOf(tmpl, typ) {
						if data, _ := json.Marshal(p["GroupId"]); strings.Contains(string(data), group) || strings.Contains(string(data), "InboundResolver") {
							t.Errorf("%s %s: a rule of the resolver's group outside it: %s", stack, id, data)
						}
					}
				}
			}
		})
	}
	for _, env := range []string{"stg", "prd"} {
		if !enabled[env] {
			t.Errorf("%s does not turn the inbound resolver on", env)
		}
	}
	// The runbook's checks are copied as they stand: each dig names an
	// address some env's resolver has.
	runbook, err := os.ReadFile("../docs/runbook.md")
	if err != nil {
		t.Fatal(err)
	}
	digs := regexp.MustCompile(`dig @([0-9.]+)`).FindAllStringSubmatch(string(runbook), -1)
	if len(digs) == 0 {
		t.Error("docs/runbook.md shows no dig check for the DNS team")
	}
	for _, m := range digs {
		if !resolverAddrs[m[1]] {
			t.Errorf("docs/runbook.md: dig @%s asks an address no env's resolver has", m[1])
		}
	}
}

// usableRange is the first and last address EC2 assigns in a subnet: AWS
// keeps the first 4 and the last.
func usableRange(subnet netip.Prefix) (first, last netip.Addr) {
	at := func(n uint32) netip.Addr {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], binary.BigEndian.Uint32(subnet.Addr().AsSlice())+n)
		return netip.AddrFrom4(b)
	}
	return at(4), at(1<<(32-subnet.Bits()) - 2)
}
