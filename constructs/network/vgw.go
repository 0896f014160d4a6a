package network

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdirectconnect"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// VgwAttachmentProps configures a VgwAttachment.
type VgwAttachmentProps struct {
	// Vpc is the VPC to attach. Required.
	Vpc awsec2.IVpc
	// DirectConnectGatewayID is the Direct Connect gateway (a UUID) that the
	// network team has connected to the data centre. Required.
	DirectConnectGatewayID string
	// AmazonSideAsn is the virtual private gateway's private BGP ASN. Required.
	AmazonSideAsn int64
	// AllowedPrefixes are the ranges advertised to on-prem.
	// @default the VPC's CIDR block
	AllowedPrefixes []string
	// PropagateTo are the subnets whose route tables learn the on-prem
	// routes over BGP.
	// @default the VPC's private and isolated subnets
	PropagateTo []awsec2.ISubnet
}

// Validate reports every problem with the props.
func (p VgwAttachmentProps) Validate() error {
	var errs []error
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if !spec.IsDirectConnectGatewayID(p.DirectConnectGatewayID) {
		errs = append(errs, fmt.Errorf("directConnectGatewayId: must be a Direct Connect gateway id (UUID), got %q", p.DirectConnectGatewayID))
	}
	if a := p.AmazonSideAsn; !((a >= 64512 && a <= 65534) || (a >= 4200000000 && a <= 4294967294)) {
		errs = append(errs, fmt.Errorf("amazonSideAsn: must be a private ASN, got %d", a))
	}
	if len(p.PropagateTo) == 0 {
		errs = append(errs, errors.New("propagateTo: no subnets to propagate on-prem routes to"))
	}
	return errors.Join(errs...)
}

// VgwAttachment connects a VPC to on-prem over Direct Connect through a
// virtual private gateway: the VGW is attached to the VPC, associated with
// the Direct Connect gateway (advertising the VPC CIDR only) and propagates
// the on-prem routes it learns into the private and isolated route tables.
//
// Ranges routed through on-prem (other clouds for which the data centre is
// the hub) need nothing more here: propagation carries every route the
// data centre advertises over BGP, so its advertising them is their whole
// route (up to 100 propagated routes per route table, AWS's fixed quota).
// What AWS advertises back stays the VPC's CIDR: the other cloud reaches
// the VPC through on-prem, which re-advertises it.
type VgwAttachment struct {
	constructs.Construct
	Gateway     awsec2.CfnVPNGateway
	Association awsdirectconnect.CfnDirectConnectGatewayAssociation
}

// NewVgwAttachment provisions the attachment; it panics on invalid props.
func NewVgwAttachment(scope constructs.Construct, id string, props VgwAttachmentProps) *VgwAttachment {
	if props.PropagateTo == nil && props.Vpc != nil {
		props.PropagateTo = append(append([]awsec2.ISubnet{}, *props.Vpc.PrivateSubnets()...), *props.Vpc.IsolatedSubnets()...)
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	allowed := &[]*string{props.Vpc.VpcCidrBlock()}
	if len(props.AllowedPrefixes) > 0 {
		allowed = jsii.Strings(props.AllowedPrefixes...)
	}
	v := &VgwAttachment{Construct: constructs.NewConstruct(scope, &id)}
	v.Gateway = awsec2.NewCfnVPNGateway(v.Construct, jsii.String("Gateway"), &awsec2.CfnVPNGatewayProps{
		Type:          jsii.String("ipsec.1"),
		AmazonSideAsn: jsii.Number(float64(props.AmazonSideAsn)),
	})
	attachment := awsec2.NewCfnVPCGatewayAttachment(v.Construct, jsii.String("Attachment"), &awsec2.CfnVPCGatewayAttachmentProps{
		VpcId:        props.Vpc.VpcId(),
		VpnGatewayId: v.Gateway.Ref(),
	})
	propagation := awsec2.NewCfnVPNGatewayRoutePropagation(v.Construct, jsii.String("RoutePropagation"), &awsec2.CfnVPNGatewayRoutePropagationProps{
		RouteTableIds: routeTableIDs(props.PropagateTo),
		VpnGatewayId:  v.Gateway.Ref(),
	})
	// Propagation needs the VGW attached first, or CloudFormation fails.
	propagation.AddResourceDependency(attachment, jsii.String("route propagation needs the VGW attached"))
	v.Association = awsdirectconnect.NewCfnDirectConnectGatewayAssociation(v.Construct, jsii.String("DxGatewayAssociation"), &awsdirectconnect.CfnDirectConnectGatewayAssociationProps{
		DirectConnectGatewayId: jsii.String(props.DirectConnectGatewayID),
		AssociatedGatewayId:    v.Gateway.Ref(),
		// Advertise this VPC only: on-prem must not learn other ranges from it.
		AllowedPrefixesToDirectConnectGateway: allowed,
	})
	v.Association.AddResourceDependency(attachment, jsii.String("the DX association needs the VGW attached"))
	awscdk.Tags_Of(v.Gateway).Add(jsii.String("Name"), jsii.String(*scope.Node().Path()+"/"+id), nil)
	return v
}

// routeTableIDs are the distinct route tables of subnets, in subnet order.
func routeTableIDs(subnets []awsec2.ISubnet) *[]*string {
	seen := map[string]bool{}
	var ids []*string
	for _, s := range subnets {
		id := s.RouteTable().RouteTableId()
		if key := *id; !seen[key] {
			seen[key] = true
			ids = append(ids, id)
		}
	}
	return &ids
}
