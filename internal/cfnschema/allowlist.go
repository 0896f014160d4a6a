package cfnschema

import (
	"regexp"
	"strings"
)

// Allowance accepts the findings at one property of one resource type,
// for a property CloudFormation accepts that the pinned schema snapshot
// predates. It is never for a finding CloudFormation would reject: fix
// those in the construct.
type Allowance struct {
	ResourceType string // e.g. AWS::ElasticLoadBalancingV2::Listener
	// Path is the property path; it covers the findings below it too, and
	// [*] stands for any list index: Properties.Rules[*].Name.
	Path   string
	Reason string // what CloudFormation accepts, and where that is documented
}

// AllowList is every allowance. TestTemplatesMatchCloudFormationSchemas
// fails on an entry that no finding of the real templates needs: when a
// newer snapshot has the property, the entry goes.
//
// Empty: aws-service-spec 0.1.216 knows every property the app's
// templates set (Tags of AWS::ElasticLoadBalancingV2::Listener included).
var AllowList = []Allowance{}

var listIndex = regexp.MustCompile(`\[\d+\]`)

// Matches reports whether the allowance accepts f.
func (a Allowance) Matches(f Finding) bool {
	if f.Type != a.ResourceType {
		return false
	}
	p := listIndex.ReplaceAllString(f.Path, "[*]")
	return p == a.Path || strings.HasPrefix(p, a.Path+".") || strings.HasPrefix(p, a.Path+"[")
}

// triage splits findings into those to fix and those AllowList accepts.
func triage(findings []Finding) Report {
	var r Report
next:
	for _, f := range findings {
		for _, a := range AllowList {
			if a.Matches(f) {
				r.Allowed = append(r.Allowed, AllowedFinding{Finding: f, Entry: a})
				continue next
			}
		}
		r.Findings = append(r.Findings, f)
	}
	return r
}
