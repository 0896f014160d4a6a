package envs

import (
	"fmt"

	"github.com/ecplatform/eks-platform/spec"
)

// validateDelivery checks the delivery section: how GitHub Actions deploys
// the env.
func validateDelivery(c *Config, p *Path, errs *ErrorList) {
	d := c.Delivery
	switch {
	case d.Repository == "":
		errs.Required(p.Child("repository"), "the GitHub repository that deploys, owner/name")
	case !spec.IsGitHubRepository(d.Repository):
		errs.Invalid(p.Child("repository"), fmt.Sprintf("%q", d.Repository), "must be owner/name with no wildcard: the deploy role trusts exactly this repository")
	}
	switch {
	case !spec.IsGitHubEnvironment(d.GitHubEnvironment):
		errs.Invalid(p.Child("githubEnvironment"), fmt.Sprintf("%q", d.GitHubEnvironment), "must be a GitHub environment name with no wildcard")
	case c.Protection.RetainStatefulResources && d.GitHubEnvironment != c.Name:
		// Another environment's rules (or none, as dev's) would gate this
		// env's deploy role.
		errs.Add(p.Child("githubEnvironment"), "must be %q, the env's own name, in an env that keeps its data (protection.retainStatefulResources): its deploy role then trusts only the GitHub environment whose reviewers and branch rules guard it, got %q", c.Name, d.GitHubEnvironment)
	}
	if !spec.IsCDKQualifier(d.CdkQualifier) {
		errs.Invalid(p.Child("cdkQualifier"), fmt.Sprintf("%q", d.CdkQualifier), "must be the CDK bootstrap qualifier (1-10 lowercase letters or digits)")
	}
	if arn := d.ExistingOidcProviderArn; arn != "" {
		want := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", c.Account, spec.GitHubIssuer)
		if arn != want {
			errs.Invalid(p.Child("existingOidcProviderArn"), fmt.Sprintf("%q", arn), fmt.Sprintf("must be this account's GitHub Actions OIDC provider, %s", want))
		}
	}
}
