package delivery

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

// ServicePrefixes maps the service part of a CloudFormation resource type
// (AWS::<service>::<resource>) to the IAM service prefix of its API: the one
// table the execution policy is built from. A resource type whose service is
// missing here cannot be deployed, and a whole-app test fails on it.
var ServicePrefixes = map[string]string{
	"ACMPCA": "acm-pca", "ApplicationAutoScaling": "application-autoscaling", "Athena": "athena",
	"AutoScaling": "autoscaling", "CertificateManager": "acm", "Chatbot": "chatbot",
	"CloudTrail": "cloudtrail", "CloudWatch": "cloudwatch", "DirectConnect": "directconnect",
	"DynamoDB": "dynamodb", "EC2": "ec2", "ECR": "ecr", "EKS": "eks",
	"ElasticLoadBalancingV2": "elasticloadbalancing", "Events": "events", "Glue": "glue",
	"KMS": "kms", "KinesisFirehose": "firehose", "Lambda": "lambda", "Logs": "logs",
	"RDS": "rds", "Route53": "route53", "Route53Resolver": "route53resolver", "S3": "s3",
	"SNS": "sns", "SSM": "ssm", "SecretsManager": "secretsmanager", "StepFunctions": "states",
	"Synthetics": "synthetics", "WAFv2": "wafv2",
}

// ServiceLinkedRoles are the services whose service-linked roles a deploy
// may create the first time it uses them.
var ServiceLinkedRoles = []string{
	"eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "elasticloadbalancing.amazonaws.com",
	"autoscaling.amazonaws.com", "rds.amazonaws.com", "synthetics.amazonaws.com",
	"management.chatbot.amazonaws.com", "ops.apigateway.amazonaws.com", "dynamodb.application-autoscaling.amazonaws.com",
}

var namePrefix = regexp.MustCompile(`^[a-z][a-z0-9-]{0,40}$`)

// DeployGuardrailsProps configures DeployGuardrails.
type DeployGuardrailsProps struct {
	// Prefix is the env's name, which every stack name starts with, and so
	// every role and policy name CloudFormation generates (<stack>-<id>-<hash>):
	// the execution policy manages only roles and policies so named. It also
	// names the two policies, <prefix>-platform-boundary and
	// <prefix>-cdk-execution. Required.
	Prefix string
}

// Validate reports every problem with the props.
func (p DeployGuardrailsProps) Validate() error {
	if !namePrefix.MatchString(p.Prefix) {
		return fmt.Errorf("prefix: must be 1-41 lowercase letters, digits or -, starting with a letter, got %q", p.Prefix)
	}
	return nil
}

// BoundaryName is the permissions boundary's policy name for a prefix: the
// name `cdk bootstrap --custom-permissions-boundary` and the app's Stage
// take, without a reference between stacks.
func BoundaryName(prefix string) string { return prefix + "-platform-boundary" }

// ExecutionPolicyName is the CloudFormation execution policy's name, for
// `cdk bootstrap --cloudformation-execution-policies`.
func ExecutionPolicyName(prefix string) string { return prefix + "-cdk-execution" }

// DeployGuardrails is what keeps a deploy from reaching admin: the policy
// CloudFormation deploys with (instead of AdministratorAccess) and the
// permissions boundary every role of the platform carries, CloudFormation's
// own execution role included.
//
//   - The execution policy allows the platform's services only (ServicePrefixes),
//     IAM roles only with the boundary attached, and passing roles of this
//     account only.
//   - The boundary caps every role: no role, user, key or boundary change
//     that would escape it, no change to these policies, the deploy role or
//     the OIDC provider, and nothing in Organizations or the account.
//
// Both live in the <env>-github stack, which an administrator deploys with
// their own credentials before `cdk bootstrap`: the deploy path cannot
// change its own guardrails.
type DeployGuardrails struct {
	constructs.Construct
	Boundary  awsiam.ManagedPolicy
	Execution awsiam.ManagedPolicy
}

// NewDeployGuardrails provisions the two policies; it panics on invalid props.
func NewDeployGuardrails(scope constructs.Construct, id string, p DeployGuardrailsProps) *DeployGuardrails {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	stack := awscdk.Stack_Of(self)
	arn := func(resource string) *string {
		return jsii.String(fmt.Sprintf("arn:%s:iam::%s:%s", *stack.Partition(), *stack.Account(), resource))
	}
	boundaryArn := arn("policy/" + BoundaryName(p.Prefix))
	// What no deploy may change: these two policies, every role of the
	// <prefix>-github stack (the deploy role: CloudFormation names it
	// <stack>-<id>-<hash>) and GitHub's OIDC provider. By name, not by
	// reference: the deploy role itself carries the boundary.
	guarded := []*string{
		boundaryArn, arn("policy/" + ExecutionPolicyName(p.Prefix)),
		arn("role/" + p.Prefix + "-github-*"), arn("oidc-provider/" + spec.GitHubIssuer),
	}
	platformRoles := arn("role/" + p.Prefix + "-*")
	withBoundary := map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": boundaryArn}}
	withoutBoundary := map[string]any{"StringNotEquals": map[string]any{"iam:PermissionsBoundary": boundaryArn}}

	g := &DeployGuardrails{Construct: self}
	g.Boundary = awsiam.NewManagedPolicy(self, jsii.String("Boundary"), &awsiam.ManagedPolicyProps{
		ManagedPolicyName: jsii.String(BoundaryName(p.Prefix)),
		Description:       jsii.String("Permissions boundary of every role the platform creates: no escape from it"),
		Statements: &[]awsiam.PolicyStatement{
			statement("WithinTheBoundary", awsiam.Effect_ALLOW, []string{"*"}, []*string{jsii.String("*")}, nil),
			statement("RolesOnlyWithTheBoundary", awsiam.Effect_DENY, []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"}, []*string{jsii.String("*")}, withoutBoundary),
			statement("KeepTheBoundary", awsiam.Effect_DENY, []string{"iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"}, []*string{jsii.String("*")}, nil),
			statement("NoLongLivedCredentials", awsiam.Effect_DENY, []string{
				"iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
				"iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup", "iam:CreateServiceSpecificCredential",
			}, []*string{jsii.String("*")}, nil),
			statement("GuardrailsUnchanged", awsiam.Effect_DENY, []string{
				"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
				"iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
				"iam:UpdateAssumeRolePolicy", "iam:DeleteRole", "iam:UpdateRole",
				"iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
				"iam:UpdateOpenIDConnectProviderThumbprint", "iam:DeleteOpenIDConnectProvider",
			}, guarded, nil),
			statement("NoIdentityProviders", awsiam.Effect_DENY, []string{"iam:CreateOpenIDConnectProvider", "iam:CreateSAMLProvider", "iam:UpdateSAMLProvider"}, []*string{jsii.String("*")}, nil),
			statement("NotTheOrganization", awsiam.Effect_DENY, []string{"organizations:*", "account:*", "iam:CreateAccountAlias", "iam:DeleteAccountAlias", "iam:UpdateAccountPasswordPolicy"}, []*string{jsii.String("*")}, nil),
			statement("AuditStaysOn", awsiam.Effect_DENY, []string{"cloudtrail:StopLogging", "s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration"}, []*string{jsii.String("*")}, nil),
		},
	})

	services := make([]string, 0, len(ServicePrefixes))
	seen := map[string]bool{}
	for _, prefix := range ServicePrefixes {
		if !seen[prefix] {
			seen[prefix] = true
			services = append(services, prefix+":*")
		}
	}
	sort.Strings(services)
	g.Execution = awsiam.NewManagedPolicy(self, jsii.String("Execution"), &awsiam.ManagedPolicyProps{
		ManagedPolicyName: jsii.String(ExecutionPolicyName(p.Prefix)),
		Description:       jsii.String("What CloudFormation may do when it deploys the platform (cdk bootstrap --cloudformation-execution-policies)"),
		Statements: &[]awsiam.PolicyStatement{
			statement("PlatformServices", awsiam.Effect_ALLOW, services, []*string{jsii.String("*")}, nil),
			// iam:PermissionsBoundary is known to these actions only: the
			// others are held to the platform's own roles by name.
			statement("RolesOnlyWithTheBoundary", awsiam.Effect_ALLOW, []string{
				"iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
				"iam:PutRolePolicy", "iam:DeleteRolePolicy",
			}, []*string{platformRoles}, withBoundary),
			statement("ManagePlatformRoles", awsiam.Effect_ALLOW, []string{
				"iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole",
				"iam:TagRole", "iam:UntagRole", "iam:PassRole",
			}, []*string{platformRoles}, nil),
			statement("ManagePlatformPolicies", awsiam.Effect_ALLOW, []string{
				"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
				"iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
			}, []*string{arn("policy/" + p.Prefix + "-*")}, nil),
			statement("ReadIam", awsiam.Effect_ALLOW, []string{"iam:Get*", "iam:List*"}, []*string{jsii.String("*")}, nil),
			statement("ServiceLinkedRoles", awsiam.Effect_ALLOW, []string{"iam:CreateServiceLinkedRole"}, []*string{arn("role/aws-service-role/*")},
				map[string]any{"StringEquals": map[string]any{"iam:AWSServiceName": ServiceLinkedRoles}}),
			statement("GuardrailsUnchanged", awsiam.Effect_DENY, []string{"iam:*"}, guarded, nil),
		},
	})
	suppressGuardrails(g)
	return g
}

// suppressGuardrails holds the compliance exemptions of the guardrails:
// both policies are about the whole account by design.
func suppressGuardrails(g *DeployGuardrails) {
	compliance.Suppress(g.Boundary,
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "A permissions boundary grants nothing: its Allow * is the ceiling that its Deny statements cut down, and the effective permissions are the intersection with each role's own policy.",
			AppliesTo: []string{"Action::*", "Resource::*"}},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMPolicyNoStatementsWithAdminAccess", Reason: "A permissions boundary grants nothing: Allow * is its ceiling, cut down by its Deny statements; no principal gets permissions from it."},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMPolicyNoStatementsWithFullAccess", Reason: "The boundary's Deny statements name whole services (organizations:*, account:*) to keep every role out of them; a Deny grants nothing."},
	)
	compliance.Suppress(g.Execution,
		compliance.Suppression{Rule: "PCI.DSS.321-IAMPolicyNoStatementsWithFullAccess", Reason: "CloudFormation manages the whole life of the platform's resources in these services (create, update, delete), which is service:* scoped to the services the platform uses; IAM is not among them and has its own conditioned statements."},
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "CloudFormation creates and deletes the platform's resources, whose ids are unknown before it does: the execution policy is scoped by service (one table, tested against every resource type deployed) and its IAM rights by the boundary condition and the env's role and policy name prefix.",
			AppliesTo: []string{"Resource::*", "regex:/^Action::[a-z0-9-]+:\\*$/", "Action::iam:Get*", "Action::iam:List*", "regex:/^Resource::arn:aws:iam::[0-9]+:(role|policy)/.*\\*$/"}},
	)
}

// statement is a policy statement with a Sid, so that a review of the
// policy names what each part is for.
func statement(sid string, effect awsiam.Effect, actions []string, resources []*string, conditions map[string]any) awsiam.PolicyStatement {
	props := &awsiam.PolicyStatementProps{
		Sid:       jsii.String(sid),
		Effect:    effect,
		Actions:   jsii.Strings(actions...),
		Resources: &resources,
	}
	if conditions != nil {
		props.Conditions = &conditions
	}
	return awsiam.NewPolicyStatement(props)
}

// ServiceOf is the service part of a resource type (AWS::EC2::VPC: EC2),
// "" for a custom resource.
func ServiceOf(resourceType string) string {
	parts := strings.Split(resourceType, "::")
	if len(parts) != 3 || parts[0] != "AWS" {
		return ""
	}
	return parts[1]
}
