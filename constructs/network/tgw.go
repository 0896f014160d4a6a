package network

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// TgwAttachmentProps configures a TgwAttachment.
type TgwAttachmentProps struct {
	// Vpc is the VPC to attach. Required.
	Vpc awsec2.IVpc
	// TransitGatewayID is the Transit Gateway (shared to this account by the
	// network team, associated with the Direct Connect gateway). Required.
	TransitGatewayID string
	// OnPremCidrs are routed through the Transit Gateway. Required.
	OnPremCidrs []string
	// RoutedCidrs are ranges beyond on-prem (other clouds for which the
	// data centre is the hub), routed through the Transit Gateway like
	// OnPremCidrs. Routes only: what admits traffic from a range is a
	// security group rule, and no construct is given these.
	// @default none
	RoutedCidrs []string
	// AttachmentSubnets hold the attachment's ENIs, one per AZ.
	// @default the VPC's private subnets
	AttachmentSubnets []awsec2.ISubnet
	// RouteFrom are the subnets whose route tables get the on-prem routes.
	// @default the VPC's private and isolated subnets
	RouteFrom []awsec2.ISubnet
}

// Validate reports every problem with the props.
func (p TgwAttachmentProps) Validate() error {
	var errs []error
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if !spec.IsTransitGatewayID(p.TransitGatewayID) {
		errs = append(errs, fmt.Errorf("transitGatewayId: must be tgw- and 8 to 17 hex digits, got %q", p.TransitGatewayID))
	}
	if len(p.OnPremCidrs) == 0 {
		errs = append(errs, errors.New("onPremCidrs: required"))
	}
	// A range is routed once: a second route to it would collide.
	seen := map[string]string{}
	for _, list := range []struct {
		name  string
		cidrs []string
	}{{"onPremCidrs", p.OnPremCidrs}, {"routedCidrs", p.RoutedCidrs}} {
		for i, c := range list.cidrs {
			field := fmt.Sprintf("%s[%d]", list.name, i)
			pr, err := netip.ParsePrefix(c)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: must be a CIDR, got %q", field, c))
				continue
			}
			if other, dup := seen[pr.Masked().String()]; dup {
				errs = append(errs, fmt.Errorf("%s: %s is also %s: route each range once", field, c, other))
			}
			seen[pr.Masked().String()] = field
		}
	}
	if len(p.AttachmentSubnets) == 0 {
		errs = append(errs, errors.New("attachmentSubnets: required"))
	}
	return errors.Join(errs...)
}

// TgwAttachment connects a VPC to on-prem through a Transit Gateway: a VPC
// attachment in one private subnet per AZ, and static routes to each
// on-prem range, and each range routed through on-prem, from the private
// and isolated route tables. Where the Transit Gateway sends them is its
// own route tables' business (the network team's).
type TgwAttachment struct {
	constructs.Construct
	Attachment awsec2.CfnTransitGatewayVpcAttachment
}

// NewTgwAttachment provisions the attachment; it panics on invalid props.
func NewTgwAttachment(scope constructs.Construct, id string, props TgwAttachmentProps) *TgwAttachment {
	if props.Vpc != nil {
		if props.AttachmentSubnets == nil {
			props.AttachmentSubnets = *props.Vpc.PrivateSubnets()
		}
		if props.RouteFrom == nil {
			props.RouteFrom = append(append([]awsec2.ISubnet{}, *props.Vpc.PrivateSubnets()...), *props.Vpc.IsolatedSubnets()...)
		}
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	t := &TgwAttachment{Construct: constructs.NewConstruct(scope, &id)}
	subnetIDs := make([]*string, len(props.AttachmentSubnets))
	for i, s := range props.AttachmentSubnets {
		subnetIDs[i] = s.SubnetId()
	}
	t.Attachment = awsec2.NewCfnTransitGatewayVpcAttachment(t.Construct, jsii.String("Attachment"), &awsec2.CfnTransitGatewayVpcAttachmentProps{
		TransitGatewayId: jsii.String(props.TransitGatewayID),
		VpcId:            props.Vpc.VpcId(),
		SubnetIds:        &subnetIDs,
		Options: map[string]interface{}{
			"DnsSupport": "enable",
		},
		Tags: &[]*awscdk.CfnTag{{Key: jsii.String("Name"), Value: jsii.String(*scope.Node().Path() + "/" + id)}},
	})
	for i, table := range *routeTableIDs(props.RouteFrom) {
		for _, cidr := range append(append([]string{}, props.OnPremCidrs...), props.RoutedCidrs...) {
			// The id names the range, not its position or its list:
			// reordering a list, or moving a range from one list to the
			// other, must not replace routes (a replacement would collide
			// with the route it replaces).
			routeID := fmt.Sprintf("Table%dTo%s", i, strings.NewReplacer(".", "-", "/", "-").Replace(cidr))
			route := awsec2.NewCfnRoute(t.Construct, jsii.String(routeID), &awsec2.CfnRouteProps{
				RouteTableId:         table,
				DestinationCidrBlock: jsii.String(cidr),
				TransitGatewayId:     jsii.String(props.TransitGatewayID),
			})
			// A route to a Transit Gateway fails until the VPC is attached.
			route.AddResourceDependency(t.Attachment, jsii.String("a route to a Transit Gateway needs the VPC attached"))
		}
	}
	return t
}
