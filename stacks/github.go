package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/delivery"
	"github.com/ecplatform/eks-platform/envs"
)

// NewGitHubStack is <env>-github: the deploy path's trust anchor. It holds
// the GitHub OIDC provider, the deploy role GitHub Actions assumes for this
// env, the CloudFormation execution policy and the permissions boundary of
// every role. An administrator deploys it with their own credentials, before
// `cdk bootstrap` and never from a workflow (see docs/delivery.md): the
// deploy path cannot widen its own permissions.
func NewGitHubStack(stage awscdk.Stage, cfg *envs.Config) awscdk.Stack {
	s := awscdk.NewStack(stage, jsii.String("github"), &awscdk.StackProps{
		StackName:             jsii.String(cfg.Name + "-github"),
		Description:           jsii.String(cfg.Name + " (github): GitHub Actions OIDC deploy access, the CloudFormation execution policy and the permissions boundary"),
		TerminationProtection: jsii.Bool(cfg.Protection.TerminationProtection),
		// Deployed before the account is bootstrapped, with the
		// administrator's own credentials: no bootstrap role is involved.
		Synthesizer: awscdk.NewCliCredentialsStackSynthesizer(nil),
	})
	access := delivery.NewGitHubDeployAccess(s, "GitHub", delivery.GitHubDeployAccessProps{
		Repository:  cfg.Delivery.Repository,
		Environment: cfg.Delivery.GitHubEnvironment,
		Qualifier:   cfg.Delivery.CdkQualifier,
		// IAM holds one provider per issuer and account.
		ExistingProviderArn: cfg.Delivery.ExistingOidcProviderArn,
	})
	guardrails := delivery.NewDeployGuardrails(s, "Guardrails", delivery.DeployGuardrailsProps{Prefix: cfg.Name})
	// The deploy role carries the boundary (as every role of the Stage
	// does, by name): IAM refuses it until the boundary policy exists.
	access.Role.Node().AddDependency(guardrails.Boundary)
	awscdk.NewCfnOutput(s, jsii.String("DeployRoleArn"), &awscdk.CfnOutputProps{
		Value:       access.Role.RoleArn(),
		Description: jsii.String("Set as the AWS_DEPLOY_ROLE_ARN variable of the GitHub environment " + cfg.Delivery.GitHubEnvironment),
	})
	awscdk.NewCfnOutput(s, jsii.String("ExecutionPolicyArn"), &awscdk.CfnOutputProps{
		Value:       guardrails.Execution.ManagedPolicyArn(),
		Description: jsii.String("cdk bootstrap --cloudformation-execution-policies"),
	})
	awscdk.NewCfnOutput(s, jsii.String("PermissionsBoundaryName"), &awscdk.CfnOutputProps{
		Value:       jsii.String(delivery.BoundaryName(cfg.Name)),
		Description: jsii.String("cdk bootstrap --custom-permissions-boundary"),
	})
	return s
}
