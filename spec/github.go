package spec

import "regexp"

// GitHubIssuer is GitHub Actions' OIDC token issuer: the host of the IAM
// OIDC provider deploys assume their role through.
const GitHubIssuer = "token.actions.githubusercontent.com"

var (
	// An owner (a GitHub user or organization name: 1-39 letters, digits,
	// -) and a repository name: no wildcard.
	gitHubRepository = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$`)
	// A GitHub environment name, as the OIDC token's sub claim carries it.
	gitHubEnvironment = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)
	// A CDK bootstrap qualifier (cdk bootstrap --qualifier).
	cdkQualifier = regexp.MustCompile(`^[a-z0-9]{1,10}$`)
)

// IsGitHubRepository reports whether s is a repository as owner/name,
// exactly: a wildcard would let other repositories' workflows deploy.
func IsGitHubRepository(s string) bool { return gitHubRepository.MatchString(s) }

// IsGitHubEnvironment reports whether s is a GitHub environment name with
// no wildcard.
func IsGitHubEnvironment(s string) bool { return gitHubEnvironment.MatchString(s) }

// IsCDKQualifier reports whether s is a CDK bootstrap qualifier: 1-10
// lowercase letters or digits (it is part of the bootstrap roles' names).
func IsCDKQualifier(s string) bool { return cdkQualifier.MatchString(s) }

// DefaultCDKQualifier is the qualifier `cdk bootstrap` uses unless told
// otherwise.
const DefaultCDKQualifier = "hnb659fds"
