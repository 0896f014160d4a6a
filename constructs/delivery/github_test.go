package delivery

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

func TestGitHubDeployAccessPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    GitHubDeployAccessProps
		want string
	}{
		{"wildcard repo", GitHubDeployAccessProps{Repository: "ecplatform/*", Environment: "prd", Qualifier: "hnb659fds"}, `repository: must be owner/name with no wildcard, got "ecplatform/*"`},
		{"whole org", GitHubDeployAccessProps{Repository: "ecplatform", Environment: "prd", Qualifier: "hnb659fds"}, "repository: must be owner/name"},
		{"wildcard env", GitHubDeployAccessProps{Repository: "ecplatform/eks-platform", Environment: "*", Qualifier: "hnb659fds"}, `environment: must be a GitHub environment name with no wildcard, got "*"`},
		{"bad qualifier", GitHubDeployAccessProps{Repository: "ecplatform/eks-platform", Environment: "prd", Qualifier: "Q!"}, "qualifier:"},
		{"provider of another issuer", GitHubDeployAccessProps{Repository: "ecplatform/eks-platform", Environment: "prd", Qualifier: "hnb659fds", ExistingProviderArn: "arn:aws:iam::111111111111:oidc-provider/gitlab.com"}, "existingProviderArn: must be the ARN of a GitHub Actions OIDC provider"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestGitHubDeployAccess(t *testing.T) {
	stack := constructtest.NewStack(t)
	NewGitHubDeployAccess(stack, "GitHub", GitHubDeployAccessProps{Repository: "ecplatform/eks-platform", Environment: "prd"})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("OIDC provider for GitHub", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::OIDCProvider"), map[string]any{
			"Url": "https://token.actions.githubusercontent.com", "ClientIdList": []any{"sts.amazonaws.com"},
		})
	})
	t.Run("trust names the repository and environment exactly", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Action": "sts:AssumeRoleWithWebIdentity",
				"Effect": "Allow",
				"Condition": map[string]any{"StringEquals": map[string]any{
					"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
					"token.actions.githubusercontent.com:sub": "repo:ecplatform/eks-platform:environment:prd",
				}},
				"Principal": map[string]any{"Federated": assertions.Match_AnyValue()},
			}}, "Version": "2012-10-17"},
			"MaxSessionDuration": 3600,
		})
		// No StringLike anywhere: a wildcard subject would let any branch or repo in.
		raw, _ := json.Marshal(tmpl.ToJSON())
		if strings.Contains(string(raw), "StringLike") || strings.Contains(string(raw), ":sub\":\"repo:ecplatform/*") {
			t.Error("trust policy uses a wildcard match")
		}
	})
	t.Run("may only assume the bootstrap roles a deploy uses", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::ManagedPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Action": []any{"sts:AssumeRole", "sts:TagSession"},
				"Effect": "Allow",
				"Resource": []any{
					"arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-ap-northeast-1",
					"arn:aws:iam::111111111111:role/cdk-hnb659fds-file-publishing-role-111111111111-ap-northeast-1",
				},
			}}, "Version": "2012-10-17"},
		})
		tmpl.ResourceCountIs(jsii.String("AWS::IAM::Policy"), jsii.Number(0))
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]any{"ManagedPolicyArns": assertions.Match_AnyValue()}, jsii.Number(0))
	})
}

// TestGitHubDeployAccessReusesProvider: an account holds one provider per
// issuer, so a second one would fail the deploy; the role trusts the
// existing provider instead.
func TestGitHubDeployAccessReusesProvider(t *testing.T) {
	stack := constructtest.NewStack(t)
	arn := "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
	NewGitHubDeployAccess(stack, "GitHub", GitHubDeployAccessProps{Repository: "ecplatform/eks-platform", Environment: "prd", ExistingProviderArn: arn})
	tmpl := constructtest.Template(t, stack)
	tmpl.ResourceCountIs(jsii.String("AWS::IAM::OIDCProvider"), jsii.Number(0))
	tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
		"AssumeRolePolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": []any{assertions.Match_ObjectLike(&map[string]any{
			"Principal": map[string]any{"Federated": arn},
		})}}),
	})
}
