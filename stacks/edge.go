package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/edge"
	"github.com/ecplatform/eks-platform/envs"
)

// EdgeStack is <env>-edge-<cluster>: the cluster's external and internal
// ALBs, their weighted targets and the external ALB's web ACL.
type EdgeStack struct {
	awscdk.Stack
	Cluster string
	// Retiring is set for the edge of a cluster in state retiring.
	Retiring           bool
	External, Internal *edge.Alb
	// Targets by ALB: "external", "internal".
	Targets map[string]*edge.WeightedTargets
	// WebAclName names the external ALB's web ACL (its metrics dimension).
	WebAclName string
}

// NewEdgeStack maps cfg.Edge to one cluster's edge constructs.
func NewEdgeStack(stage awscdk.Stage, cfg *envs.Config, cl *ClusterStack, c envs.Cluster, net *NetworkStack, logs *LoggingStack) *EdgeStack {
	name := c.Name
	s := &EdgeStack{Stack: newClusterPartStack(stage, cfg, c, edgePart(name), "ALBs, WAF and weighted targets of cluster "+name), Cluster: name, Retiring: cl.Retiring, Targets: map[string]*edge.WeightedTargets{}}
	// A retiring cluster's load balancers can be deleted with their stack.
	deletionProtection := cfg.Protection.TerminationProtection && !cl.Retiring
	e := cfg.Edge
	var externalCert awscertificatemanager.ICertificate
	if e.ExternalCertificateArn != "" {
		externalCert = awscertificatemanager.Certificate_FromCertificateArn(s.Stack, jsii.String("ExternalCertificate"), jsii.String(e.ExternalCertificateArn))
	} else {
		zone := awsroute53.HostedZone_FromHostedZoneAttributes(s.Stack, jsii.String("PublicZone"), &awsroute53.HostedZoneAttributes{
			HostedZoneId: jsii.String(e.PublicZone.ID), ZoneName: jsii.String(e.PublicZone.Name),
		})
		externalCert = awscertificatemanager.NewCertificate(s.Stack, jsii.String("ExternalCertificate"), &awscertificatemanager.CertificateProps{
			DomainName: jsii.String(e.ExternalName),
			Validation: awscertificatemanager.CertificateValidation_FromDns(zone),
		})
	}
	internalCert := awscertificatemanager.Certificate_FromCertificateArn(s.Stack, jsii.String("InternalCertificate"), jsii.String(e.InternalCertificateArn))
	vpc := net.Network.Vpc
	s.External = edge.NewExternalAlb(s.Stack, "External", edge.AlbProps{
		Vpc: vpc, Certificate: externalCert,
		AccessLogBucket: logs.Archive.AccessLogBucket, AccessLogPrefix: "alb/" + name + "/external", AccessLogBucketName: AccessLogBucketName(cfg),
		DeletionProtection: deletionProtection,
	})
	s.Internal = edge.NewInternalAlb(s.Stack, "Internal", edge.AlbProps{
		Vpc: vpc, Certificate: internalCert,
		AccessLogBucket: logs.Archive.AccessLogBucket, AccessLogPrefix: "alb/" + name + "/internal", AccessLogBucketName: AccessLogBucketName(cfg),
		AllowedCidrs:       append(append([]string{}, cfg.Network.OnPremCidrs...), cfg.Network.VpcCidr),
		DeletionProtection: deletionProtection,
	})
	g := e.ApiGateway
	for _, t := range []struct {
		id, key string
		alb     *edge.Alb
	}{{"ExternalTargets", "external", s.External}, {"InternalTargets", "internal", s.Internal}} {
		s.Targets[t.key] = edge.NewWeightedTargets(s.Stack, t.id, edge.WeightedTargetsProps{
			Name:             t.key,
			Alb:              t.alb,
			Cluster:          cl.Cluster.Cluster,
			PodSecurityGroup: cl.Cluster.Cluster.ClusterSecurityGroup(),
			Controller:       cl.Cluster.LoadBalancerController.Chart,
			Namespace:        cl.ApiGatewayNamespace.Manifest,
			Stable:           edge.Service{Namespace: g.Namespace, Name: g.Service, Port: g.Port},
			Canary:           edge.Service{Namespace: g.Namespace, Name: g.CanaryService, Port: g.Port},
			StableWeight:     e.TargetWeights.Stable,
			CanaryWeight:     e.TargetWeights.Canary,
			HealthCheckPath:  g.HealthCheckPath,
		})
	}
	s.WebAclName = cfg.Name + "-" + name + "-external"
	edge.NewWebAcl(s.Stack, "Waf", edge.WebAclProps{
		Name:              s.WebAclName,
		LoadBalancers:     []elbv2.IApplicationLoadBalancer{s.External.LoadBalancer},
		RateLimit:         e.Waf.RateLimit,
		RateWindowSeconds: e.Waf.RateWindowSeconds,
		AllowCidrs:        e.Waf.AllowCidrs,
		BlockCidrs:        e.Waf.BlockCidrs,
		BlockCountries:    e.Waf.BlockCountries,
		BotControl:        e.Waf.BotControl,
		KeepQueryString:   e.Waf.KeepQueryString,
		LogDestinationArn: logs.WafLogs.Arn,
	})
	return s
}
