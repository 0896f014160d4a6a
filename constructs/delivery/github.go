// Package delivery provisions what lets GitHub Actions deploy the platform:
// short-lived credentials through OIDC, and nothing else.
package delivery

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

var providerArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/` + regexp.QuoteMeta(spec.GitHubIssuer) + `$`)

// DeployBootstrapRoles are the kinds of CDK bootstrap role
// (cdk-<qualifier>-<kind>-role-<account>-<region>) a deploy assumes.
var DeployBootstrapRoles = []string{"deploy", "file-publishing"}

// GitHubDeployAccessProps configures a GitHubDeployAccess.
type GitHubDeployAccessProps struct {
	// Repository is "owner/name", exactly: no wildcard. Required.
	Repository string
	// Environment is the GitHub environment whose jobs may deploy (its
	// protection rules, e.g. required reviewers, gate the deploy). Required.
	Environment string
	// Qualifier is the CDK bootstrap qualifier of the account.
	// @default spec.DefaultCDKQualifier, the CDK default
	Qualifier string
	// ExistingProviderArn reuses the account's GitHub OIDC provider (IAM
	// allows one per issuer per account).
	// @default - the construct creates the provider
	ExistingProviderArn string
	// MaxSessionDuration bounds a deploy's credentials. @default 1 hour
	MaxSessionDuration awscdk.Duration
}

// Validate reports every problem with the props.
func (p GitHubDeployAccessProps) Validate() error {
	var errs []error
	if !spec.IsGitHubRepository(p.Repository) {
		errs = append(errs, fmt.Errorf("repository: must be owner/name with no wildcard, got %q", p.Repository))
	}
	if !spec.IsGitHubEnvironment(p.Environment) {
		errs = append(errs, fmt.Errorf("environment: must be a GitHub environment name with no wildcard, got %q", p.Environment))
	}
	if !spec.IsCDKQualifier(p.Qualifier) {
		errs = append(errs, fmt.Errorf("qualifier: must be the CDK bootstrap qualifier (1-10 lowercase letters or digits), got %q", p.Qualifier))
	}
	if p.ExistingProviderArn != "" && !providerArnPattern.MatchString(p.ExistingProviderArn) {
		errs = append(errs, fmt.Errorf("existingProviderArn: must be the ARN of a GitHub Actions OIDC provider (arn:aws:iam::<account>:oidc-provider/%s), got %q", spec.GitHubIssuer, p.ExistingProviderArn))
	}
	return errors.Join(errs...)
}

// GitHubDeployAccess is the GitHub OIDC identity provider of an account and
// the role that GitHub Actions jobs of one repository, running in one
// GitHub environment, assume to deploy. The role can do one thing: assume
// the two CDK bootstrap roles a deploy uses in this account and region (the
// deploy role, which hands CloudFormation its execution role, and the
// file-publishing role for assets; the platform publishes no images and
// looks nothing up). No static AWS keys exist anywhere.
type GitHubDeployAccess struct {
	constructs.Construct
	Provider awsiam.IOpenIdConnectProvider
	Role     awsiam.Role
}

// NewGitHubDeployAccess provisions the access; it panics on invalid props.
func NewGitHubDeployAccess(scope constructs.Construct, id string, props GitHubDeployAccessProps) *GitHubDeployAccess {
	if props.Qualifier == "" {
		props.Qualifier = spec.DefaultCDKQualifier
	}
	if props.MaxSessionDuration == nil {
		props.MaxSessionDuration = awscdk.Duration_Hours(jsii.Number(1))
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	g := &GitHubDeployAccess{Construct: self}
	if props.ExistingProviderArn != "" {
		g.Provider = awsiam.OpenIdConnectProvider_FromOpenIdConnectProviderArn(self, jsii.String("Provider"), jsii.String(props.ExistingProviderArn))
	} else {
		// The native resource: IAM validates GitHub's certificate itself, so
		// no thumbprint is pinned (AWS's guidance for this issuer).
		g.Provider = awsiam.NewOidcProviderNative(self, jsii.String("Provider"), &awsiam.OidcProviderNativeProps{
			Url:       jsii.String("https://" + spec.GitHubIssuer),
			ClientIds: jsii.Strings("sts.amazonaws.com"),
		})
	}
	subject := fmt.Sprintf("repo:%s:environment:%s", props.Repository, props.Environment)
	g.Role = awsiam.NewRole(self, jsii.String("DeployRole"), &awsiam.RoleProps{
		Description: jsii.String(fmt.Sprintf("GitHub Actions deploys from %s (environment %s) through the CDK bootstrap roles", props.Repository, props.Environment)),
		AssumedBy: awsiam.NewWebIdentityPrincipal(g.Provider.OpenIdConnectProviderArn(), &map[string]any{
			"StringEquals": map[string]any{
				spec.GitHubIssuer + ":aud": "sts.amazonaws.com",
				spec.GitHubIssuer + ":sub": subject,
			},
		}),
		MaxSessionDuration: props.MaxSessionDuration,
	})
	stack := awscdk.Stack_Of(self)
	var bootstrapRoles []*string
	for _, kind := range DeployBootstrapRoles {
		bootstrapRoles = append(bootstrapRoles, jsii.String(fmt.Sprintf("arn:%s:iam::%s:role/cdk-%s-%s-role-%s-%s",
			*stack.Partition(), *stack.Account(), props.Qualifier, kind, *stack.Account(), *stack.Region())))
	}
	awsiam.NewManagedPolicy(self, jsii.String("AssumeBootstrapRoles"), &awsiam.ManagedPolicyProps{
		Description: jsii.String("Only the CDK bootstrap roles a deploy uses, in this account and region"),
		Roles:       &[]awsiam.IRole{g.Role},
		Statements: &[]awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("sts:AssumeRole", "sts:TagSession"),
			Resources: &bootstrapRoles,
		})},
	})
	return g
}
