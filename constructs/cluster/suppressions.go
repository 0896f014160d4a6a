package cluster

import (
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"

	"github.com/ecplatform/eks-platform/constructs/compliance"
)

// suppressCluster holds every compliance exemption of a Cluster. Most are
// about the kubectl provider and the custom-resource framework CDK ships to
// apply Kubernetes manifests: AWS-authored Lambda handlers whose runtime,
// roles and concurrency we do not control.
func suppressCluster(c *Cluster) {
	compliance.Suppress(c.Construct,
		compliance.Suppression{Rule: "AwsSolutions-IAM4", Reason: "AWS managed policies on the EKS cluster role, the kubectl handler (Lambda basic and VPC access), the VPC CNI role (AmazonEKS_CNI_Policy) and the EBS CSI driver role are the ones AWS documents for these roles and track new API needs.",
			AppliesTo: []string{
				"regex:/^Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKS.*$/",
				"regex:/^Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambda.*$/",
				"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
				"Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
				`regex:/^Policy::\{"Fn::If":.*AmazonElasticContainerRegistryPublicReadOnly.*$/`,
			}},
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "The CDK provider framework invokes any version of its own kubectl handler (<handler ARN>:*).",
			AppliesTo: []string{"regex:/^Resource::<.*\\.Arn>:\\*$/"}},
		compliance.Suppression{Rule: "AwsSolutions-L1", Reason: "The kubectl provider and provider framework handlers are built and versioned by aws-cdk-lib; their runtime moves with the pinned aws-cdk-lib."},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "Inline policies here are the least-privilege grants CDK generates for one role each (kubectl provider, load balancer controller); a managed policy could be attached to roles that must not have them."},
		compliance.Suppression{Rule: "PCI.DSS.321-LambdaInsideVPC", Reason: "Only the custom-resource framework's orchestration handlers run outside the VPC; they call the CloudFormation and Lambda APIs only. The kubectl handler that reaches the private API endpoint runs in the private subnets."},
		compliance.Suppression{Rule: "PCI.DSS.321-LambdaFunctionPublicAccessProhibited", Reason: "The provider framework grants CloudFormation alone the right to invoke its handlers."},
	)
}

// suppressNodeGroup holds every compliance exemption of a node group. The
// same whether or not the nodes take Session Manager sessions: turning
// sessions on or off then changes the node roles alone, not the metadata
// of every node group.
func suppressNodeGroup(g *VersionedNodeGroup) {
	compliance.Suppress(g.Construct,
		compliance.Suppression{Rule: "AwsSolutions-IAM4", Reason: "EKS documents these AWS managed policies for node roles (worker node, ECR read-only); AWS updates them with new EKS requirements. The CNI's policy is not on nodes: aws-node has it through Pod Identity. AmazonSSMManagedInstanceCore, on the nodes when they take Session Manager sessions, is the policy Systems Manager documents for a managed instance (SSM Agent's registration and Session Manager's channels); AWS updates it with the agent.",
			AppliesTo: []string{
				"Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodePolicy",
				"Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
				"Policy::arn:<AWS::Partition>:iam::aws:policy/" + SessionManagerPolicy,
			}},
	)
}

// suppressNodeSessionPolicy holds every compliance exemption of the
// nodes' session logging policy.
func suppressNodeSessionPolicy(p awsiam.ManagedPolicy, logGroup string) {
	compliance.Suppress(p,
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "SSM Agent names each session's log stream after the session, so streams are granted within the session log group only (<group>:*); DescribeLogGroups is a list call that takes no log group, with which the agent checks the group is encrypted.",
			AppliesTo: []string{
				`regex:/^Resource::arn:(aws[a-z-]*|<AWS::Partition>):logs:[^:]+:[^:]+:log-group:` + regexp.QuoteMeta(logGroup) + `:\*$/`,
				"Resource::*",
			}},
	)
}

// suppressLoadBalancerController holds every compliance exemption of the
// Load Balancer Controller's role (its statements are in
// lbcontrollerpolicy.go, each with the reason it exists).
func suppressLoadBalancerController(l *LoadBalancerController) {
	compliance.Suppress(l.ServiceAccount,
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "Describe calls of EC2 and Elastic Load Balancing take no resource-level permissions; RegisterTargets and DeregisterTargets are on target groups of this account and region created by this cluster's edge stacks (aws:cloudformation:stack-name), the only narrowing IAM offers for target groups whose names CloudFormation generates.",
			AppliesTo: []string{"Resource::*", `regex:/^Resource::arn:(aws[a-z-]*|<AWS::Partition>):elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup\/\*\/\*$/`}},
	)
}
