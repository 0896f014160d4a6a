// Package workflows checks the GitHub Actions workflows: actionlint, and the
// project's supply-chain and credential policy.
package workflows

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	usesLine = regexp.MustCompile(`^\s*(?:-\s+)?uses:\s*["']?([^"'\s#]+)`)
	// A remote action pinned to a full commit: owner/repo[/path]@<40 hex>.
	pinned = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)
	// Static AWS credentials: access key ids and the inputs or variables
	// that carry keys.
	staticKeys = []*regexp.Regexp{
		regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`),
		regexp.MustCompile(`(?i)aws-access-key-id\s*:`),
		regexp.MustCompile(`(?i)aws-secret-access-key\s*:`),
		regexp.MustCompile(`(?i)aws-session-token\s*:`),
		regexp.MustCompile(`\bAWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)\b`),
	}
)

// Violation is one breach of the policy, with its line.
type Violation struct {
	Line int
	Msg  string
}

func (v Violation) String() string { return fmt.Sprintf("line %d: %s", v.Line, v.Msg) }

// Check applies the policy to one workflow file: every action pinned by a
// full commit SHA (a tag can be moved to other code), and no static AWS
// credentials (deploys use OIDC).
func Check(content string) []Violation {
	var out []Violation
	for i, line := range strings.Split(content, "\n") {
		n := i + 1
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if m := usesLine.FindStringSubmatch(line); m != nil {
			ref := m[1]
			local := strings.HasPrefix(ref, "./")
			docker := strings.HasPrefix(ref, "docker://") && strings.Contains(ref, "@sha256:")
			if !local && !docker && !pinned.MatchString(ref) {
				out = append(out, Violation{n, fmt.Sprintf("action %q is not pinned by a full commit SHA", ref)})
			}
		}
		for _, re := range staticKeys {
			if re.MatchString(line) {
				out = append(out, Violation{n, fmt.Sprintf("static AWS credentials (%s): use OIDC role-to-assume", re.FindString(line))})
			}
		}
	}
	return out
}
