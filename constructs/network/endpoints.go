package network

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// reach is the first statement of an endpoint's policy: whose requests,
// to whose resources, may pass. "Own" is the env's account: every env is
// its own account, and nothing the platform runs in the VPC (nodes, pods
// through Pod Identity roles, the kubectl provider's Lambda functions, the
// internal canary) acts for another one.
type reach int

const (
	// ownAccount admits principals of the env's account acting on
	// resources of the env's account: aws:PrincipalAccount and
	// aws:ResourceAccount. A stolen or personal key of another account
	// gets nothing through, and neither does a copy to another account's
	// bucket, table, registry or log group.
	ownAccount reach = iota
	// ownResources admits any caller acting on a resource of the env's
	// account: aws:ResourceAccount alone.
	ownResources
	// ownPrincipals admits principals of the env's account, whatever the
	// resource: aws:PrincipalAccount alone.
	ownPrincipals
)

// endpoint is one VPC endpoint of the Network and its policy.
type endpoint struct {
	// id is the construct id: stable, renaming it replaces the endpoint.
	id string
	// gateway is a gateway endpoint's service; iface an interface
	// endpoint's. Exactly one is set. Each is awsec2's getter, called when
	// the Network is built: calling it at package init would start Node in
	// every program that imports this package, before it does anything.
	gateway func() awsec2.GatewayVpcEndpointAwsService
	iface   func() awsec2.InterfaceVpcEndpointAwsService
	reach   reach
	// also are the statements beyond reach: the AWS-owned resources, or
	// the calls without a resource, that the platform needs.
	also func(policyEnv) []awsiam.PolicyStatement
}

// policyEnv is what the policies name: the stack's partition, region and
// account.
type policyEnv struct{ partition, region, account string }

// policyEnvOf is scope's stack's environment. The S3 endpoint policy names
// the region's AWS-owned buckets, CloudFormation's without the dashes, so
// the region must be concrete (every env's is).
func policyEnvOf(scope constructs.Construct, id string) policyEnv {
	stack := awscdk.Stack_Of(scope)
	if *awscdk.Token_IsUnresolved(stack.Region()) {
		panic(fmt.Errorf("%s/%s: the stack needs an explicit region: the S3 endpoint policy names that region's AWS-owned buckets", *scope.Node().Path(), id))
	}
	return policyEnv{partition: *stack.Partition(), region: *stack.Region(), account: *stack.Account()}
}

// endpoints are the VPC endpoints of the Network. Gateway endpoints serve
// every private and isolated route table, interface endpoints the private
// subnets; keeping image pulls, node bootstrap (EC2, STS), Pod Identity
// (EKS Auth), the load balancer controller (ELB), logs and Session Manager
// off the NAT keeps that traffic private and cheaper.
//
// Each endpoint has a policy; this is the one place that says what each
// lets through and why it cannot be narrower. A policy grants nothing: it
// caps what may pass the endpoint, so every request also needs IAM. Where
// AWS publishes data perimeter endpoint policies (aws-samples/
// data-perimeter-policy-examples: default, S3, SSM, ECR, STS), these follow
// them with the env's account in place of an organization.
//
//   - S3 (gateway): own principals on own buckets. Also s3:GetObject, from
//     any caller, on the AWS-owned buckets the nodes read (awsOwnedBuckets:
//     ECR image layers through an ECR-presigned URL, the AL2023 package
//     repositories and SSM Agent files, both read unauthenticated), and
//     s3:PutObject on CloudFormation's response bucket of the region: the
//     kubectl provider's Lambda functions run in the private subnets and
//     answer CloudFormation through a presigned URL to it. Not narrower:
//     those buckets belong to AWS accounts, so no account condition can
//     name them; they are named bucket by bucket, not by prefix, since a
//     prefix would also match buckets anyone can create. No AL2 buckets (no
//     AL2 nodes); Bottlerocket updates come from updates.bottlerocket.aws
//     (CloudFront), not through this endpoint.
//   - DynamoDb (gateway): own principals on own tables.
//   - EcrApi, EcrDkr (interface): own principals on own repositories (push,
//     pull-through cache). Also, for own principals, the pull calls
//     (ecr:GetAuthorizationToken, BatchGetImage, GetDownloadUrlForLayer,
//     BatchCheckLayerAvailability) on any registry. Not narrower: EKS
//     add-ons and the load balancer controller come from AWS's registry
//     for the region, whose account differs by region (602401143452 for
//     most), and GetAuthorizationToken names no resource at all. Pushes to
//     another account's registry stay blocked.
//   - Sts (interface): any caller on own roles. Also sts:GetCallerIdentity
//     for own principals. Not narrower on the principal: assuming a role
//     with a web identity token (IRSA) is an unsigned call, with no
//     principal account to compare. Assuming another account's role is
//     what this blocks.
//   - Logs, Ec2, ElasticLoadBalancing, SsmMessages, Ec2Messages
//     (interface): own principals on own resources (the VPC CNI, the load
//     balancer controller, Fluent Bit and Container Insights, SSM Agent).
//   - Ssm (interface): own principals on own resources. Also, for own
//     principals, reading AWS-owned SSM documents and public parameters
//     (arn:...:ssm:<region>::document/*, parameter/aws/*): SSM Agent runs
//     AWS-RunShellScript and the Session Manager documents, whose ARNs carry
//     no account.
//   - EksAuth (interface): own principals. Not narrower: its one call,
//     AssumeRoleForPodIdentity, is made by the Pod Identity agent with the
//     node role on the cluster; AWS documents no resource account condition
//     for it, and a wrong guess would stop every pod's credentials. The
//     roles it hands out trust only pods.eks.amazonaws.com of this account.
var endpoints = []endpoint{
	{id: "S3", gateway: awsec2.GatewayVpcEndpointAwsService_S3, reach: ownAccount, also: s3AwsOwned},
	{id: "DynamoDb", gateway: awsec2.GatewayVpcEndpointAwsService_DYNAMODB, reach: ownAccount},
	{id: "EcrApi", iface: awsec2.InterfaceVpcEndpointAwsService_ECR, reach: ownAccount, also: ecrPulls},
	{id: "EcrDkr", iface: awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER, reach: ownAccount, also: ecrPulls},
	{id: "Sts", iface: awsec2.InterfaceVpcEndpointAwsService_STS, reach: ownResources, also: stsCallerIdentity},
	{id: "Logs", iface: awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS, reach: ownAccount},
	{id: "Ec2", iface: awsec2.InterfaceVpcEndpointAwsService_EC2, reach: ownAccount},
	{id: "ElasticLoadBalancing", iface: awsec2.InterfaceVpcEndpointAwsService_ELASTIC_LOAD_BALANCING, reach: ownAccount},
	{id: "EksAuth", iface: awsec2.InterfaceVpcEndpointAwsService_EKS_AUTH, reach: ownPrincipals},
	{id: "Ssm", iface: awsec2.InterfaceVpcEndpointAwsService_SSM, reach: ownAccount, also: ssmAwsOwned},
	{id: "SsmMessages", iface: awsec2.InterfaceVpcEndpointAwsService_SSM_MESSAGES, reach: ownAccount},
	{id: "Ec2Messages", iface: awsec2.InterfaceVpcEndpointAwsService_EC2_MESSAGES, reach: ownAccount},
}

// awsOwnedBuckets are the AWS-owned buckets the nodes read through the S3
// endpoint (%s is the region), from the ECR, Amazon Linux 2023 and Systems
// Manager documentation of the buckets a restrictive S3 endpoint policy
// must allow. Windows and macOS buckets of SSM Agent are left out: the
// platform runs neither.
var awsOwnedBuckets = []struct{ name, readBy string }{
	{"prod-%s-starport-layer-bucket", "ECR: every image layer"},
	{"al2023-repos-%s-de612dc2", "AL2023 nodes: dnf package repositories"},
	{"al2023-%s", "AL2023 nodes: kernel live patches"},
	{"aws-ssm-%s", "SSM Agent"},
	{"amazon-ssm-%s", "SSM Agent: updates"},
	{"amazon-ssm-packages-%s", "SSM Agent: Distributor packages"},
	{"%s-birdwatcher-prod", "SSM Agent: Distributor packages"},
	{"aws-ssm-distributor-file-%s", "SSM Agent: Distributor packages"},
	{"aws-ssm-document-attachments-%s", "SSM Agent: document attachments"},
	{"patch-baseline-snapshot-%s", "SSM Agent: Patch Manager baselines"},
}

// ecrPullActions are what kubelet's credential provider and containerd call
// to pull an image.
var ecrPullActions = []string{"ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}

func s3AwsOwned(e policyEnv) []awsiam.PolicyStatement {
	reads := make([]string, 0, len(awsOwnedBuckets))
	for _, b := range awsOwnedBuckets {
		reads = append(reads, fmt.Sprintf("arn:%s:s3:::%s/*", e.partition, fmt.Sprintf(b.name, e.region)))
	}
	// CloudFormation names the response bucket by the region without dashes.
	responses := fmt.Sprintf("arn:%s:s3:::cloudformation-custom-resource-response-%s/*", e.partition, strings.ReplaceAll(e.region, "-", ""))
	return []awsiam.PolicyStatement{
		statement("AwsOwnedBucketsRead", []string{"s3:GetObject"}, reads, nil),
		statement("CloudFormationResponses", []string{"s3:PutObject"}, []string{responses}, nil),
	}
}

func ecrPulls(e policyEnv) []awsiam.PolicyStatement {
	return []awsiam.PolicyStatement{
		statement("ImagePullsByOwnPrincipals", ecrPullActions, []string{"*"}, principalAccount(e)),
	}
}

func stsCallerIdentity(e policyEnv) []awsiam.PolicyStatement {
	return []awsiam.PolicyStatement{
		statement("CallerIdentityOfOwnPrincipals", []string{"sts:GetCallerIdentity"}, []string{"*"}, principalAccount(e)),
	}
}

func ssmAwsOwned(e policyEnv) []awsiam.PolicyStatement {
	return []awsiam.PolicyStatement{
		statement("AwsOwnedDocumentsAndParameters", []string{"ssm:Describe*", "ssm:Get*", "ssm:List*"}, []string{
			fmt.Sprintf("arn:%s:ssm:%s::document/*", e.partition, e.region),
			fmt.Sprintf("arn:%s:ssm:%s::parameter/aws/*", e.partition, e.region),
		}, principalAccount(e)),
	}
}

// statements is the endpoint's whole policy: its reach, then what else
// it needs.
func (ep endpoint) statements(e policyEnv) []awsiam.PolicyStatement {
	var first awsiam.PolicyStatement
	switch ep.reach {
	case ownAccount:
		first = statement("OwnPrincipalsOnOwnResources", []string{"*"}, []string{"*"},
			map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": e.account, "aws:ResourceAccount": e.account}})
	case ownResources:
		first = statement("AnyCallerOnOwnResources", []string{"*"}, []string{"*"},
			map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": e.account}})
	case ownPrincipals:
		first = statement("OwnPrincipals", []string{"*"}, []string{"*"}, principalAccount(e))
	default:
		panic(fmt.Sprintf("endpoint %s: unknown reach %d", ep.id, ep.reach))
	}
	out := []awsiam.PolicyStatement{first}
	if ep.also != nil {
		out = append(out, ep.also(e)...)
	}
	return out
}

func principalAccount(e policyEnv) map[string]any {
	return map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": e.account}}
}

// statement allows actions on resources through an endpoint, to any
// principal the conditions admit.
func statement(sid string, actions, resources []string, conditions map[string]any) awsiam.PolicyStatement {
	props := &awsiam.PolicyStatementProps{
		Sid:        jsii.String(sid),
		Effect:     awsiam.Effect_ALLOW,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings(actions...),
		Resources:  jsii.Strings(resources...),
	}
	if conditions != nil {
		props.Conditions = &conditions
	}
	return awsiam.NewPolicyStatement(props)
}

// addEndpoints adds the endpoints, each with its policy, and the one
// security group of the interface endpoints, which admits HTTPS from the
// VPC only.
func addEndpoints(n *Network, vpc awsec2.Vpc, cidr string, env policyEnv) awsec2.SecurityGroup {
	private := []*awsec2.SubnetSelection{
		{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
	}
	sg := awsec2.NewSecurityGroup(n.Construct, jsii.String("EndpointSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		Description:      jsii.String("VPC interface endpoints: HTTPS from inside the VPC"),
		AllowAllOutbound: jsii.Bool(false),
	})
	// The literal CIDR, not the VPC token, so compliance rules can read it.
	sg.AddIngressRule(awsec2.Peer_Ipv4(jsii.String(cidr)), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the VPC"), nil)
	for _, ep := range endpoints {
		var policy interface {
			AddToPolicy(awsiam.PolicyStatement)
		}
		if ep.gateway != nil {
			policy = vpc.AddGatewayEndpoint(jsii.String(ep.id), &awsec2.GatewayVpcEndpointOptions{
				Service: ep.gateway(), Subnets: &private,
			})
		} else {
			policy = vpc.AddInterfaceEndpoint(jsii.String(ep.id), &awsec2.InterfaceVpcEndpointOptions{
				Service:           ep.iface(),
				Subnets:           &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
				SecurityGroups:    &[]awsec2.ISecurityGroup{sg},
				Open:              jsii.Bool(false),
				PrivateDnsEnabled: jsii.Bool(true),
			})
		}
		for _, s := range ep.statements(env) {
			policy.AddToPolicy(s)
		}
	}
	return sg
}
