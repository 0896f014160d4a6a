package test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/delivery"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// TestDeployPathIsNotAdmin checks the deploy path on every env as it
// deploys: every role the platform creates, CDK's own and the deploy
// role included, carries the env's permissions boundary, and the
// execution policy CloudFormation deploys with names every service the
// env's templates use (and no other way in: IAM only with the boundary).
func TestDeployPathIsNotAdmin(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			boundary := fmt.Sprintf("arn:aws:iam::%s:policy/%s", cfg.Account, delivery.BoundaryName(cfg.Name))
			roles := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				for id, p := range resourcesOf(tmpl, "AWS::IAM::Role") {
					roles++
					if got := catalogcheck.Render(p["PermissionsBoundary"]); got != boundary {
						t.Errorf("%s %s: permissions boundary %q, want %s", stack, id, got, boundary)
					}
				}
				rs, _ := tmpl["Resources"].(map[string]any)
				for id, r := range rs {
					typ := r.(map[string]any)["Type"].(string)
					svc := delivery.ServiceOf(typ)
					if svc == "" || svc == "IAM" {
						continue // custom resources run in Lambda; IAM has its own statements
					}
					if _, ok := delivery.ServicePrefixes[svc]; !ok {
						t.Errorf("%s %s: %s is not a service the execution policy allows (delivery.ServicePrefixes)", stack, id, typ)
					}
				}
			}
			if roles == 0 {
				t.Fatal("no IAM roles found")
			}
		})
	}
}

// TestProtectedEnvsDeployFromTheirOwnGitHubEnvironment: the deploy role of
// an env that keeps its data trusts only the GitHub environment of the same
// name, whose protection rules gate it.
func TestProtectedEnvsDeployFromTheirOwnGitHubEnvironment(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		if !cfg.Protection.RetainStatefulResources {
			continue
		}
		tmpl := envTemplates(t, cfg.Name)[cfg.Name+"-github"]
		found := false
		for _, p := range resourcesOf(tmpl, "AWS::IAM::Role") {
			trust := catalogcheck.Render(p["AssumeRolePolicyDocument"])
			if strings.Contains(trust, "token.actions.githubusercontent.com:sub") {
				found = true
				if want := fmt.Sprintf("repo:%s:environment:%s", cfg.Delivery.Repository, cfg.Name); !strings.Contains(trust, want) {
					t.Errorf("%s deploy role trusts %s, want exactly %s", cfg.Name, trust, want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no deploy role", cfg.Name)
		}
	}
}
