// Package edge provisions how traffic reaches the in-cluster API gateway:
// an internet-facing ALB for the mobile apps and an internal ALB for the
// on-prem web servers, each forwarding to weighted target groups, with AWS
// WAF in front of the internet-facing one.
package edge

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
)

// AlbProps configures an ExternalAlb or an InternalAlb.
type AlbProps struct {
	// Vpc holds the load balancer, across its 3 AZs. Required.
	Vpc awsec2.IVpc
	// Certificate is served on the HTTPS listener. Required.
	Certificate awscertificatemanager.ICertificate
	// AccessLogBucket receives access logs (an SSE-S3 bucket). Required.
	AccessLogBucket awss3.IBucket
	// AccessLogPrefix is the key prefix of the access logs. Required.
	AccessLogPrefix string
	// AccessLogBucketName is AccessLogBucket's physical name: written into
	// the load balancer's attributes as text, so that the template names
	// the bucket (an import would hide it from CloudFormation hooks).
	// @default - the bucket is referenced across stacks
	AccessLogBucketName string
	// AllowedCidrs may connect (internal ALB only; the external one is
	// open to the internet). Required for the internal ALB.
	AllowedCidrs []string
	// DeletionProtection refuses deletion of the load balancer (prd).
	DeletionProtection bool
}

// Validate reports every problem with the props.
func (p AlbProps) validate(internal bool) error {
	var errs []error
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if p.Certificate == nil {
		errs = append(errs, errors.New("certificate: required"))
	}
	if p.AccessLogBucket == nil || p.AccessLogPrefix == "" {
		errs = append(errs, errors.New("accessLogBucket and accessLogPrefix: required"))
	}
	if internal && len(p.AllowedCidrs) == 0 {
		errs = append(errs, errors.New("allowedCidrs: the internal ALB needs the ranges that may reach it"))
	}
	for i, c := range p.AllowedCidrs {
		if pr, err := netip.ParsePrefix(c); err != nil || pr.Bits() == 0 {
			errs = append(errs, fmt.Errorf("allowedCidrs[%d]: must be a CIDR narrower than 0.0.0.0/0, got %q", i, c))
		}
	}
	return errors.Join(errs...)
}

// Alb is a load balancer with its security group and HTTPS listener; the
// listener's default action is set by WeightedTargets.
type Alb struct {
	constructs.Construct
	LoadBalancer  elbv2.ApplicationLoadBalancer
	SecurityGroup awsec2.SecurityGroup
	Https         elbv2.ApplicationListener
}

// NewExternalAlb is the internet-facing ALB for the mobile apps, in the
// public subnets: HTTPS only (HTTP answers with a redirect), TLS 1.3 and
// 1.2 without CBC suites, invalid header fields dropped, access logs on.
func NewExternalAlb(scope constructs.Construct, id string, props AlbProps) *Alb {
	if err := props.validate(false); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	a := newAlb(scope, id, props, true)
	a.SecurityGroup.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the internet"), nil)
	a.SecurityGroup.AddIngressRule(awsec2.Peer_AnyIpv4(), awsec2.Port_Tcp(jsii.Number(80)), jsii.String("HTTP, answered with a redirect to HTTPS"), nil)
	redirect := a.LoadBalancer.AddRedirect(&elbv2.ApplicationLoadBalancerRedirectConfig{
		SourcePort: jsii.Number(80), SourceProtocol: elbv2.ApplicationProtocol_HTTP,
		TargetPort: jsii.Number(443), TargetProtocol: elbv2.ApplicationProtocol_HTTPS,
	})
	// The exemptions of the external ALB, each on the one resource it is about.
	compliance.Suppress(a.SecurityGroup,
		compliance.Suppression{Rule: "AwsSolutions-EC23", Reason: "The mobile apps reach this load balancer from the internet; AWS WAF filters what passes."},
		compliance.Suppression{Rule: "PCI.DSS.321-EC2RestrictedCommonPorts", Reason: "Port 80 only answers with a redirect to HTTPS; 443 is the service."},
	)
	compliance.Suppress(redirect,
		compliance.Suppression{Rule: "PCI.DSS.321-ELBTlsHttpsListenersOnly", Reason: "This listener only redirects to HTTPS and forwards nothing."},
		compliance.Suppression{Rule: "PCI.DSS.321-ELBv2ACMCertificateRequired", Reason: "This listener only redirects to the HTTPS listener, which serves the ACM certificate; a redirect carries no data."},
	)
	return a
}

// NewInternalAlb is the ALB the on-prem web servers reach over Direct
// Connect, in the private subnets; its security group admits only the given
// ranges (on-prem and the VPC), on HTTPS.
func NewInternalAlb(scope constructs.Construct, id string, props AlbProps) *Alb {
	if err := props.validate(true); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	a := newAlb(scope, id, props, false)
	for _, c := range props.AllowedCidrs {
		a.SecurityGroup.AddIngressRule(awsec2.Peer_Ipv4(jsii.String(c)), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from "+c), nil)
	}
	compliance.Suppress(a.Construct,
		compliance.Suppression{Rule: "PCI.DSS.321-ALBWAFEnabled", Reason: "Internal only: reachable from the on-prem web servers and the VPC over private links, never from the internet."},
	)
	return a
}

func newAlb(scope constructs.Construct, id string, props AlbProps, internetFacing bool) *Alb {
	self := constructs.NewConstruct(scope, &id)
	a := &Alb{Construct: self}
	subnets := awsec2.SubnetType_PRIVATE_WITH_EGRESS
	if internetFacing {
		subnets = awsec2.SubnetType_PUBLIC
	}
	a.SecurityGroup = awsec2.NewSecurityGroup(self, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String(fmt.Sprintf("%s: HTTPS in, API gateway pods out", *self.Node().Path())),
		AllowAllOutbound: jsii.Bool(false),
	})
	a.LoadBalancer = elbv2.NewApplicationLoadBalancer(self, jsii.String("LoadBalancer"), &elbv2.ApplicationLoadBalancerProps{
		Vpc:                     props.Vpc,
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: subnets},
		InternetFacing:          jsii.Bool(internetFacing),
		SecurityGroup:           a.SecurityGroup,
		DeletionProtection:      jsii.Bool(props.DeletionProtection),
		DropInvalidHeaderFields: jsii.Bool(true),
		DesyncMitigationMode:    elbv2.DesyncMitigationMode_STRICTEST,
	})
	a.LoadBalancer.LogAccessLogs(props.AccessLogBucket, jsii.String(props.AccessLogPrefix))
	if props.AccessLogBucketName != "" {
		a.LoadBalancer.SetAttribute(jsii.String("access_logs.s3.bucket"), jsii.String(props.AccessLogBucketName))
	}
	a.Https = a.LoadBalancer.AddListener(jsii.String("Https"), &elbv2.BaseApplicationListenerProps{
		Port:         jsii.Number(443),
		Protocol:     elbv2.ApplicationProtocol_HTTPS,
		Certificates: &[]elbv2.IListenerCertificate{elbv2.ListenerCertificate_FromCertificateManager(props.Certificate)},
		// TLS 1.3 and 1.2 with AEAD ciphers only: no CBC suites.
		SslPolicy: elbv2.SslPolicy_TLS13_RES,
		// WeightedTargets sets the default action (CDK fails synth if none is set).
		Open: jsii.Bool(false),
	})
	return a
}
