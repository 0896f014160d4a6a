package network

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

func validNetworkProps() NetworkProps {
	return NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 3, FlowLogRetentionDays: 30}
}

func TestNetworkPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*NetworkProps)
		want   string
	}{
		{"bad cidr", func(p *NetworkProps) { p.Cidr = "10.20.0.0" }, `cidr: must be an IPv4 CIDR, got "10.20.0.0"`},
		{"vpc too small", func(p *NetworkProps) { p.Cidr = "10.20.0.0/24" }, "cidr: must be /16 to /20, got /24"},
		{"two azs", func(p *NetworkProps) { p.AvailabilityZones = p.AvailabilityZones[:2] }, "availabilityZones: must be exactly 3, got 2"},
		{"too many nat", func(p *NetworkProps) { p.NatGateways = 4 }, "natGateways: must be between 1 and 3, got 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validNetworkProps()
			tc.mutate(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := validNetworkProps().Validate(); err != nil {
		t.Fatalf("valid props rejected: %v", err)
	}
}

// TestNetwork builds one stack per destination/attachment mode and checks
// what the platform relies on: 3 AZs, subnet tiers, NAT count, flow logs of
// all traffic, endpoints, and the Direct Connect wiring of each mode.
func TestNetwork(t *testing.T) {
	// GIVEN a VGW-attached VPC with one NAT and logs to CloudWatch Logs
	vgwStack := constructtest.NewStack(t)
	vgwNet := NewNetwork(vgwStack, "Network", NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
	NewVgwAttachment(vgwStack, "DirectConnect", VgwAttachmentProps{Vpc: vgwNet.Vpc, DirectConnectGatewayID: "5f294f92-bafb-4011-916d-9b0bd8a1c4e2", AmazonSideAsn: 64601, AllowedPrefixes: []string{"10.20.0.0/16"}})
	vgw := constructtest.Template(t, vgwStack)

	// GIVEN a TGW-attached VPC with NAT per AZ and logs to a bucket
	tgwStack := constructtest.NewStack(t)
	bucket := awss3.Bucket_FromBucketName(tgwStack, jsii.String("Archive"), jsii.String("log-archive"))
	tgwNet := NewNetwork(tgwStack, "Network", NetworkProps{Cidr: "10.30.0.0/16", AvailabilityZones: constructtest.AZs, FlowLogBucket: bucket})
	NewTgwAttachment(tgwStack, "DirectConnect", TgwAttachmentProps{Vpc: tgwNet.Vpc, TransitGatewayID: "tgw-0a1b2c3d4e5f60718", OnPremCidrs: []string{"10.0.0.0/14", "172.20.0.0/16"}, RoutedCidrs: []string{"10.160.0.0/16"}})
	tgw := constructtest.Template(t, tgwStack)

	t.Run("compliance", func(t *testing.T) {
		constructtest.RequireNoNagErrors(t, vgwStack)
		constructtest.RequireNoNagErrors(t, tgwStack)
	})
	t.Run("subnets span the 3 AZs in 3 tiers", func(t *testing.T) {
		for _, tmpl := range []assertions.Template{vgw, tgw} {
			tmpl.ResourceCountIs(jsii.String("AWS::EC2::Subnet"), jsii.Number(9))
			for _, az := range constructtest.AZs {
				for _, tier := range []string{"public", "private", "isolated"} {
					tmpl.HasResourceProperties(jsii.String("AWS::EC2::Subnet"), map[string]any{
						"AvailabilityZone": az,
						"Tags":             assertions.Match_ArrayWith(&[]any{map[string]any{"Key": "aws-cdk:subnet-name", "Value": tier}}),
					})
				}
			}
			// Public subnets never hand out public IPs: only ALBs and NAT live there.
			tmpl.AllResourcesProperties(jsii.String("AWS::EC2::Subnet"), map[string]any{"MapPublicIpOnLaunch": false})
		}
	})
	t.Run("private subnets are sized for pods and tagged for internal ALBs", func(t *testing.T) {
		vgw.HasResourceProperties(jsii.String("AWS::EC2::Subnet"), map[string]any{
			"CidrBlock": "10.20.0.0/18",
			"Tags":      assertions.Match_ArrayWith(&[]any{map[string]any{"Key": "kubernetes.io/role/internal-elb", "Value": "1"}}),
		})
	})
	t.Run("NAT gateways as asked", func(t *testing.T) {
		vgw.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(1))
		tgw.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(3))
	})
	t.Run("flow logs record all traffic to an encrypted destination", func(t *testing.T) {
		vgw.HasResourceProperties(jsii.String("AWS::EC2::FlowLog"), map[string]any{
			"ResourceType": "VPC", "TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs",
		})
		vgw.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"KmsKeyId": assertions.Match_AnyValue(), "RetentionInDays": 365,
		})
		vgw.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{"EnableKeyRotation": true})
		vgw.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{"DeletionPolicy": "Retain"})
		// Exactly the schema's keys: a nested literal would match loosely and
		// pass with the L2's camelCase keys beside them, which the
		// AWS::EC2::FlowLog schema refuses.
		tgw.HasResourceProperties(jsii.String("AWS::EC2::FlowLog"), map[string]any{
			"TrafficType": "ALL", "LogDestinationType": "s3",
			"DestinationOptions": assertions.Match_Exact(map[string]any{"FileFormat": "parquet", "HiveCompatiblePartitions": true, "PerHourPartition": true}),
		})
	})
	t.Run("endpoints", func(t *testing.T) {
		for _, svc := range []string{"s3", "dynamodb"} {
			vgw.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
				"VpcEndpointType": "Gateway",
				"ServiceName":     map[string]any{"Fn::Join": []any{"", []any{"com.amazonaws.", map[string]any{"Ref": "AWS::Region"}, "." + svc}}},
			})
		}
		for _, svc := range []string{"ecr.api", "ecr.dkr", "sts", "logs", "ec2", "elasticloadbalancing", "eks-auth", "ssm", "ssmmessages", "ec2messages"} {
			vgw.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
				"VpcEndpointType":   "Interface",
				"ServiceName":       "com.amazonaws.ap-northeast-1." + svc,
				"PrivateDnsEnabled": true,
			})
		}
		vgw.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroup"), map[string]any{
			"GroupDescription":     assertions.Match_StringLikeRegexp(jsii.String("interface endpoints")),
			"SecurityGroupIngress": []any{map[string]any{"CidrIp": assertions.Match_AnyValue(), "FromPort": 443, "ToPort": 443, "IpProtocol": "tcp", "Description": "HTTPS from the VPC"}},
		})
	})
	t.Run("vgw mode attaches, propagates and associates with the DX gateway", func(t *testing.T) {
		vgw.HasResourceProperties(jsii.String("AWS::EC2::VPNGateway"), map[string]any{"Type": "ipsec.1", "AmazonSideAsn": 64601})
		vgw.ResourceCountIs(jsii.String("AWS::EC2::VPCGatewayAttachment"), jsii.Number(2)) // the IGW's and the VGW's
		// The 3 private and 3 isolated route tables learn the on-prem routes.
		for _, p := range propertiesOf(vgw, "AWS::EC2::VPNGatewayRoutePropagation") {
			if n := len(p["RouteTableIds"].([]any)); n != 6 {
				t.Errorf("route propagation to %d route tables, want 6", n)
			}
		}
		vgw.HasResourceProperties(jsii.String("AWS::DirectConnect::DirectConnectGatewayAssociation"), map[string]any{
			"DirectConnectGatewayId":                "5f294f92-bafb-4011-916d-9b0bd8a1c4e2",
			"AllowedPrefixesToDirectConnectGateway": []any{"10.20.0.0/16"},
		})
		vgw.ResourceCountIs(jsii.String("AWS::EC2::TransitGatewayVpcAttachment"), jsii.Number(0))
	})
	t.Run("tgw mode attaches in private subnets and routes on-prem through it", func(t *testing.T) {
		tgw.HasResourceProperties(jsii.String("AWS::EC2::TransitGatewayVpcAttachment"), map[string]any{
			"TransitGatewayId": "tgw-0a1b2c3d4e5f60718",
		})
		for _, p := range propertiesOf(tgw, "AWS::EC2::TransitGatewayVpcAttachment") {
			if n := len(p["SubnetIds"].([]any)); n != 3 {
				t.Errorf("attachment in %d subnets, want one per AZ (3)", n)
			}
		}
		// The range routed through on-prem (another cloud) is routed the same way.
		for _, cidr := range []string{"10.0.0.0/14", "172.20.0.0/16", "10.160.0.0/16"} {
			found := tgw.FindResources(jsii.String("AWS::EC2::Route"), map[string]any{
				"Properties": map[string]any{"DestinationCidrBlock": cidr, "TransitGatewayId": "tgw-0a1b2c3d4e5f60718"},
				"DependsOn":  assertions.Match_AnyValue(),
			})
			if len(*found) != 6 {
				t.Errorf("%s: %d routes through the TGW, want one per private and isolated route table (6)", cidr, len(*found))
			}
		}
		tgw.ResourceCountIs(jsii.String("AWS::DirectConnect::DirectConnectGatewayAssociation"), jsii.Number(0))
	})
}

func TestTgwAttachmentPropsValidate(t *testing.T) {
	stack := constructtest.NewStack(t)
	vpc := NewNetwork(stack, "Network", validNetworkProps()).Vpc
	valid := func() TgwAttachmentProps {
		return TgwAttachmentProps{Vpc: vpc, TransitGatewayID: "tgw-0a1b2c3d4e5f60718", OnPremCidrs: []string{"10.0.0.0/14"}, RoutedCidrs: []string{"10.160.0.0/16"}, AttachmentSubnets: *vpc.PrivateSubnets()}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*TgwAttachmentProps)
		want   string
	}{
		{"bad gateway id", func(p *TgwAttachmentProps) { p.TransitGatewayID = "tgw-XYZ" }, `transitGatewayId: must be tgw- and 8 to 17 hex digits, got "tgw-XYZ"`},
		{"no on-prem ranges", func(p *TgwAttachmentProps) { p.OnPremCidrs = nil }, "onPremCidrs: required"},
		{"bad routed range", func(p *TgwAttachmentProps) { p.RoutedCidrs = []string{"gcp"} }, `routedCidrs[0]: must be a CIDR, got "gcp"`},
		{"a range in both lists", func(p *TgwAttachmentProps) { p.RoutedCidrs = []string{"10.0.0.0/14"} }, "routedCidrs[0]: 10.0.0.0/14 is also onPremCidrs[0]: route each range once"},
		{"a range twice", func(p *TgwAttachmentProps) { p.RoutedCidrs = []string{"10.160.0.0/16", "10.160.0.0/16"} }, "routedCidrs[1]: 10.160.0.0/16 is also routedCidrs[0]"},
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

// propertiesOf returns the Properties of every resource of type typ.
func propertiesOf(tmpl assertions.Template, typ string) []map[string]any {
	var out []map[string]any
	for _, r := range *tmpl.FindResources(jsii.String(typ), nil) {
		out = append(out, (*r)["Properties"].(map[string]any))
	}
	return out
}
