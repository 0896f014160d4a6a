package controltower

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"path"
	"slices"
	"strings"
)

// ExceptionsFile is the project's list of accepted Control Tower findings.
//
//go:embed exceptions.txt
var ExceptionsFile []byte

// Exception accepts one control's findings on the resources a pattern
// matches, in some envs, for a stated reason.
type Exception struct {
	Line int
	// Envs the exception holds in; "*" is every env.
	Envs    []string
	Control string
	// Resource is a path.Match pattern of construct paths within an env,
	// e.g. logging/Archive/AccessLogBucket/Resource.
	Resource string
	Reason   string
}

// Matches reports whether the exception accepts f.
func (e Exception) Matches(f Finding) bool {
	if e.Control != f.Rule.Control || !(slices.Contains(e.Envs, "*") || slices.Contains(e.Envs, f.Env)) {
		return false
	}
	ok, _ := path.Match(e.Resource, f.Path)
	return ok
}

// ParseExceptions reads an exceptions file: one exception per line, as
// `<envs> <control> <resource> <reason>`, envs comma-separated or *; blank
// lines and # comments are skipped. Every line needs a reason.
func ParseExceptions(data []byte) ([]Exception, error) {
	var out []Exception
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return nil, fmt.Errorf("exceptions line %d: want <envs> <control> <resource> <reason>, got %q", n, line)
		}
		if !controlID.MatchString("[" + f[1] + "]") {
			return nil, fmt.Errorf("exceptions line %d: %q is not a control id such as CT.S3.PR.9", n, f[1])
		}
		if _, err := path.Match(f[2], ""); err != nil {
			return nil, fmt.Errorf("exceptions line %d: resource pattern %q: %v", n, f[2], err)
		}
		out = append(out, Exception{Line: n, Envs: strings.Split(f[0], ","), Control: f[1], Resource: f[2], Reason: strings.Join(f[3:], " ")})
	}
	return out, sc.Err()
}

// Triage splits findings into those no exception accepts, and reports the
// exceptions that accept no finding (stale: the resource was fixed or is
// gone, so the line goes).
func Triage(findings []Finding, exceptions []Exception) (refused []Finding, unused []Exception) {
	used := make([]bool, len(exceptions))
	for _, f := range findings {
		accepted := false
		for i, e := range exceptions {
			if e.Matches(f) {
				used[i], accepted = true, true
			}
		}
		if !accepted {
			refused = append(refused, f)
		}
	}
	for i, e := range exceptions {
		if !used[i] {
			unused = append(unused, e)
		}
	}
	return refused, unused
}
