package cluster

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// loadBalancerControllerStatements are everything the Load Balancer
// Controller's role may do: what controller v2.17.1 calls to reconcile a
// TargetGroupBinding of IP targets with networking rules, read from its
// source at tag v2.17.1 (paths below are in kubernetes-sigs/
// aws-load-balancer-controller). Nothing else: the upstream policy
// (docs/install/iam_policy.json) also lets it create, change and delete
// load balancers, listeners, rules and security groups, and associate and
// disassociate WAF web ACLs and Shield protections, all with "*" and most
// without conditions.
//
// The controller makes no AWS call when it starts, given --aws-vpc-id and
// --aws-region (pkg/aws/cloud.go: getVpcID returns the flag), which the
// chart values set; an Ingress or Service reconciler that is still set up
// calls AWS only for objects of its kind, which the platform has none of.
func loadBalancerControllerStatements(stack awscdk.Stack, cluster awseksv2.Cluster, targetGroupStacks []string) []awsiam.PolicyStatement {
	arn := func(service, resource, name string) *string {
		return stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String(service), Resource: jsii.String(resource), ResourceName: jsii.String(name),
			ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		})
	}
	return []awsiam.PolicyStatement{
		// Describe calls of Elastic Load Balancing take no resource-level
		// permissions.
		// - DescribeTargetGroups: the TargetGroupBinding mutating and
		//   validating webhooks read the target group's type, IP address
		//   type and VPC (webhooks/elbv2/targetgroup_helper.go,
		//   getTargetGroupFromAWS).
		// - DescribeTargetHealth: the targets registered and their health,
		//   for the pods' readiness gates (pkg/targetgroupbinding/
		//   targets_manager.go, ListTargets).
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ReadTargetGroups"),
			Actions:   jsii.Strings("elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"),
			Resources: jsii.Strings("*"),
		}),
		// Describe calls of EC2 take no resource-level permissions either.
		// - DescribeVpcs: the VPC's CIDRs, to tell pod IPs outside it
		//   (pkg/networking/vpc_info_provider.go, FetchVPCInfo, from
		//   registerPodEndpoints in pkg/targetgroupbinding/resource_manager.go).
		// - DescribeInstances: the pods' ENIs through their nodes' ENIs
		//   (pkg/networking/node_info_provider.go, FetchNodeInstances, from
		//   pod_eni_info_resolver.go resolveViaNodeENIs).
		// - DescribeNetworkInterfaces: the ENI of a pod with its own
		//   (security groups for pods) or of a Fargate pod
		//   (pkg/networking/pod_eni_info_resolver.go).
		// - DescribeSecurityGroups: the rules on the pods' security group,
		//   the group of an ENI with several, and the groups tagged
		//   kubernetes.io/cluster/<cluster> whose stale rules it removes
		//   (pkg/networking/security_group_manager.go, networking_manager.go).
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ReadPodNetwork"),
			Actions:   jsii.Strings("ec2:DescribeVpcs", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups"),
			Resources: jsii.Strings("*"),
		}),
		// The pods' IPs in and out of the target groups
		// (pkg/targetgroupbinding/targets_manager.go, RegisterTargets and
		// DeregisterTargets): only target groups of this account and region
		// that the stacks of this cluster's edge created, as CloudFormation's
		// own tag says (StackNameTag: no one can forge it, and the target
		// groups deployed today carry it already, so the grant holds from
		// the moment it replaces the old one).
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("RegisterPodTargets"),
			Actions:    jsii.Strings("elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"),
			Resources:  &[]*string{arn("elasticloadbalancing", "targetgroup", "*/*")},
			Conditions: &map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/" + StackNameTag: targetGroupStacks}},
		}),
		// A binding's networking.ingress rules (from the ALB's security
		// group to the pods' port) on the pods' security group, and their
		// removal once no binding needs them (pkg/networking/
		// security_group_manager.go AuthorizeSGIngress and RevokeSGIngress,
		// from networking_manager.go reconcileWithIngressPermissionsPerSG):
		// the pods of managed node groups have the cluster security group,
		// the only group the role may change. EC2 authorizes these calls on
		// the group changed, not on the group a rule names as its source.
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("OpenPodPortsToLoadBalancers"),
			Actions:   jsii.Strings("ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"),
			Resources: &[]*string{arn("ec2", "security-group", *cluster.ClusterSecurityGroupId())},
		}),
	}
}
