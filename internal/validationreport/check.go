package validationreport

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Result is what Check found.
type Result struct {
	// Problems fail the build: violations, unacknowledged suppressed
	// findings, acknowledgements nothing needs, a missing plugin report.
	Problems []string
	// Acknowledged counts the suppressed findings an acknowledgement accepts.
	Acknowledged int
}

// Check audits r against acks.
func Check(r *Report, acks []Acknowledgement) Result {
	var res Result
	used := make([]bool, len(acks))
	ran := false
	for _, p := range r.PluginReports {
		ran = ran || p.PluginName == CloudFormationValidate
		if p.Conclusion != "success" {
			res.Problems = append(res.Problems, fmt.Sprintf("%s %s: conclusion %q", p.PluginName, p.PluginVersion, p.Conclusion))
		}
		for _, v := range p.Violations {
			for _, c := range v.ViolatingConstructs {
				res.Problems = append(res.Problems, describe(p, v, c, "a violation"))
			}
		}
		for _, v := range p.SuppressedViolations {
			for _, c := range v.ViolatingConstructs {
				i := slices.IndexFunc(acks, func(a Acknowledgement) bool { return a.matches(v, c) })
				if i < 0 {
					res.Problems = append(res.Problems, describe(p, v, c, fmt.Sprintf("suppressed at %s (%q) but not acknowledged in internal/validationreport", v.AcknowledgedAt, v.Reason)))
					continue
				}
				used[i] = true
				res.Acknowledged++
			}
		}
	}
	if !ran {
		res.Problems = append(res.Problems, fmt.Sprintf("no %q plugin report: template validation did not run", CloudFormationValidate))
	}
	for i, a := range acks {
		if !used[i] {
			res.Problems = append(res.Problems, fmt.Sprintf("acknowledgement %s at %s %s matches no finding of the report: remove it", a.Rule, a.Construct, a.Property))
		}
	}
	return res
}

func (a Acknowledgement) matches(v Violation, c ViolatingConstruct) bool {
	if v.RuleName != a.Rule {
		return false
	}
	if ok, _ := path.Match(a.Construct, c.ConstructPath); !ok {
		return false
	}
	props := c.CloudFormationResource.PropertyPaths
	return len(props) > 0 && !slices.ContainsFunc(props, func(p string) bool { return p != a.Property })
}

// describe is one problem line: rule, severity, where, what, and why it
// is a problem.
func describe(p PluginReport, v Violation, c ViolatingConstruct, why string) string {
	res := c.CloudFormationResource
	return fmt.Sprintf("%s %s (%s) at %s [%s %s %s]: %s: %s", p.PluginName, v.RuleName, v.Severity, c.ConstructPath,
		res.TemplatePath, res.LogicalID, strings.Join(res.PropertyPaths, ", "), v.Description, why)
}
