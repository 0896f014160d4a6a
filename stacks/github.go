package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/delivery"
	"github.com/ecplatform/eks-platform/envs"
)

// NewGitHubStack is <env>-github: the OIDC provider and the deploy role
// GitHub Actions assumes for this env. It is deployed once by hand with
// `cdk deploy '<env>/github'` (see docs/delivery.md); the workflows deploy
// everything else through it.
func NewGitHubStack(stage awscdk.Stage, cfg *envs.Config) awscdk.Stack {
	s := newStack(stage, cfg, "github", "GitHub Actions OIDC deploy access")
	access := delivery.NewGitHubDeployAccess(s, "GitHub", delivery.GitHubDeployAccessProps{
		Repository:  cfg.Delivery.Repository,
		Environment: cfg.Delivery.GitHubEnvironment,
		Qualifier:   cfg.Delivery.CdkQualifier,
		// IAM holds one provider per issuer and account.
		ExistingProviderArn: cfg.Delivery.ExistingOidcProviderArn,
	})
	awscdk.NewCfnOutput(s, jsii.String("DeployRoleArn"), &awscdk.CfnOutputProps{
		Value:       access.Role.RoleArn(),
		Description: jsii.String("Set as the AWS_DEPLOY_ROLE_ARN variable of the GitHub environment " + cfg.Delivery.GitHubEnvironment),
	})
	return s
}
