package network

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// TestResolverAddress: the endpoint's address in each subnet is never one
// AWS keeps in a subnet (the first 4 and the last).
func TestResolverAddress(t *testing.T) {
	for _, tc := range []struct {
		subnet string
		offset int
		want   string // the address, or the error
	}{
		{"10.130.0.0/18", 0, "10.130.63.254"},
		{"10.130.64.0/18", 0, "10.130.127.254"},
		{"10.120.4.0/22", 0, "10.120.7.254"},
		{"10.0.0.16/28", 0, "10.0.0.30"},
		{"10.130.0.0/18", 4, "10.130.0.4"},
		{"10.130.0.0/18", 53, "10.130.0.53"},
		{"10.130.0.0/18", 1<<14 - 2, "10.130.63.254"},
		{"10.130.0.0/18", 3, "hostOffset 3 of 10.130.0.0/18 is an address AWS keeps (the first 4 and the last) or outside the subnet: use 4 to 16382"},
		{"10.130.0.0/18", 1<<14 - 1, "hostOffset 16383 of 10.130.0.0/18 is an address AWS keeps"},
		{"10.130.0.0/18", 1 << 14, "hostOffset 16384 of 10.130.0.0/18 is an address AWS keeps"},
		{"10.0.0.1/18", 0, `must be an IPv4 subnet, got "10.0.0.1/18"`},
	} {
		t.Run(fmt.Sprintf("%s+%d", tc.subnet, tc.offset), func(t *testing.T) {
			got, err := resolverAddress(tc.subnet, tc.offset)
			if err != nil {
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("resolverAddress = %v, want %q", err, tc.want)
				}
				return
			}
			if got.String() != tc.want {
				t.Fatalf("resolverAddress = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestInboundResolverPropsValidate(t *testing.T) {
	stack := constructtest.NewStack(t)
	vpc := NewNetwork(stack, "Network", validNetworkProps()).Vpc
	private := *vpc.PrivateSubnets()
	imported := awsec2.Subnet_FromSubnetAttributes(stack, jsii.String("Imported"), &awsec2.SubnetAttributes{
		SubnetId: jsii.String("subnet-0123456789abcdef0"), AvailabilityZone: jsii.String("ap-northeast-1a"),
		Ipv4CidrBlock: awscdk.Fn_ImportValue(jsii.String("other-subnet-cidr")),
	})
	valid := func() InboundResolverProps {
		return InboundResolverProps{Vpc: vpc, AllowedCidrs: []string{"10.0.0.0/14"}, Subnets: private}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*InboundResolverProps)
		want   string
	}{
		{"no vpc", func(p *InboundResolverProps) { p.Vpc = nil }, "vpc: required"},
		{"no allowed ranges", func(p *InboundResolverProps) { p.AllowedCidrs = nil }, "allowedCidrs: required"},
		{"open to all", func(p *InboundResolverProps) { p.AllowedCidrs = []string{"0.0.0.0/0"} }, `allowedCidrs[0]: must be an IPv4 CIDR narrower than 0.0.0.0/0, got "0.0.0.0/0"`},
		{"one subnet", func(p *InboundResolverProps) { p.Subnets = private[:1] }, "subnets: Route 53 needs 2 at least, in distinct availability zones, got 1"},
		{"two in one zone", func(p *InboundResolverProps) { p.Subnets = []awsec2.ISubnet{private[0], (*vpc.IsolatedSubnets())[0]} }, "subnets[1]: in ap-northeast-1a, as subnets[0]: one subnet per availability zone"},
		{"cidr unknown at synth", func(p *InboundResolverProps) { p.Subnets = []awsec2.ISubnet{imported, private[1]} }, "subnets[0]: its CIDR block must be known at synth"},
		{"address among AWS's", func(p *InboundResolverProps) { p.HostOffset = 3 }, "subnets[0]: hostOffset 3 of 10.20.0.0/18 is an address AWS keeps"},
		{"negative offset", func(p *InboundResolverProps) { p.HostOffset = -1 }, "hostOffset: must be positive, got -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid()
			tc.mutate(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid props rejected: %v", err)
	}
}

// TestInboundResolver: what the on-prem DNS team and a security reviewer
// rely on: an inbound endpoint with one fixed address in each AZ's private
// subnet, and a security group that admits DNS from the on-prem ranges and
// nothing else.
func TestInboundResolver(t *testing.T) {
	// GIVEN a VPC and the on-prem ranges
	stack := constructtest.NewStack(t)
	n := NewNetwork(stack, "Network", validNetworkProps())
	onPrem := []string{"10.0.0.0/14", "172.20.0.0/16"}
	// WHEN
	r := NewInboundResolver(stack, "InboundResolver", InboundResolverProps{Vpc: n.Vpc, AllowedCidrs: onPrem})
	tmpl := constructtest.Template(t, stack)
	resources := tmpl.ToJSON()
	all := (*resources)["Resources"].(map[string]any)

	// THEN
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	want := []string{"10.20.63.254", "10.20.127.254", "10.20.191.254"}
	if !slices.Equal(r.Addresses, want) {
		t.Errorf("Addresses = %v, want each private subnet's last usable address %v", r.Addresses, want)
	}
	endpoints := propertiesOf(tmpl, "AWS::Route53Resolver::ResolverEndpoint")
	if len(endpoints) != 1 {
		t.Fatalf("%d resolver endpoints, want 1", len(endpoints))
	}
	ep := endpoints[0]
	t.Run("inbound, at the fixed addresses, one per AZ's private subnet", func(t *testing.T) {
		if ep["Direction"] != "INBOUND" {
			t.Errorf("Direction = %v, want INBOUND", ep["Direction"])
		}
		var zones, addrs []string
		for _, a := range ep["IpAddresses"].([]any) {
			a := a.(map[string]any)
			subnet := all[strings.Trim(catalogcheck.Render(a["SubnetId"]), "<>")].(map[string]any)["Properties"].(map[string]any)
			if !strings.Contains(catalogcheck.Render(subnet["Tags"]), "private") {
				t.Errorf("address %v is in subnet %v, not a private one", a["Ip"], subnet["CidrBlock"])
			}
			zones = append(zones, subnet["AvailabilityZone"].(string))
			addrs = append(addrs, a["Ip"].(string))
		}
		sort.Strings(zones)
		if !slices.Equal(zones, constructtest.AZs) {
			t.Errorf("endpoint spans %v, want one address in each of %v", zones, constructtest.AZs)
		}
		if !slices.Equal(addrs, want) {
			t.Errorf("endpoint addresses %v, want %v (what the stack outputs)", addrs, want)
		}
	})
	t.Run("security group admits DNS from on-prem only, and lets nothing out", func(t *testing.T) {
		groups := ep["SecurityGroupIds"].([]any)
		if len(groups) != 1 {
			t.Fatalf("endpoint in %d security groups, want its own only", len(groups))
		}
		sgID, _ := strings.CutSuffix(strings.Trim(catalogcheck.Render(groups[0]), "<>"), ".GroupId")
		sg := all[sgID].(map[string]any)["Properties"].(map[string]any)
		var ingress []string
		for _, rule := range sg["SecurityGroupIngress"].([]any) {
			r := rule.(map[string]any)
			ingress = append(ingress, fmt.Sprintf("%v %v %v-%v", r["CidrIp"], r["IpProtocol"], r["FromPort"], r["ToPort"]))
		}
		sort.Strings(ingress)
		wantIngress := []string{"10.0.0.0/14 tcp 53-53", "10.0.0.0/14 udp 53-53", "172.20.0.0/16 tcp 53-53", "172.20.0.0/16 udp 53-53"}
		if !slices.Equal(ingress, wantIngress) {
			t.Errorf("ingress %v, want exactly %v", ingress, wantIngress)
		}
		// CDK's placeholder for "no egress": a rule no packet matches.
		none := []any{map[string]any{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": float64(252), "IpProtocol": "icmp", "ToPort": float64(86)}}
		if !reflect.DeepEqual(sg["SecurityGroupEgress"], none) {
			t.Errorf("egress %v, want none (%v)", sg["SecurityGroupEgress"], none)
		}
		for id, r := range all {
			if typ := r.(map[string]any)["Type"]; typ == "AWS::EC2::SecurityGroupIngress" || typ == "AWS::EC2::SecurityGroupEgress" {
				t.Errorf("%s: a %s outside the group's own rules", id, typ)
			}
		}
	})
}
