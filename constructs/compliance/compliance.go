// Package compliance applies the project's compliance rule packs and records
// suppressions in one shape, so that every exemption carries its reason.
//
// The site takes card payments, so every stage is checked by cdk-nag's
// AwsSolutions and PCI DSS 3.2.1 packs. cdk-nag reports findings as
// annotations: an error-level finding fails `cdk synth` through the CLI and
// fails the Go tests through assertions.Annotations_FromStack.
package compliance

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Apply adds the AwsSolutions and PCI DSS 3.2.1 packs to everything under scope.
func Apply(scope constructs.IConstruct) {
	props := &cdknag.NagPackProps{Verbose: jsii.Bool(true)}
	awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(props), nil)
	awscdk.Aspects_Of(scope).Add(cdknag.NewPCIDSS321Checks(props), nil)
}

// Suppression exempts one construct from one rule. Reason is required and
// says why the rule does not apply; AppliesTo narrows an IAM finding to the
// exact actions or resources it is about (e.g. "Resource::*"); an entry
// written "regex:/.../" matches findings by regular expression.
type Suppression struct {
	Rule      string
	Reason    string
	AppliesTo []string
}

// Suppress records suppressions on construct and its children. Each
// construct keeps all of its suppressions in one call, next to the resources
// they are about. It panics on an empty rule or reason: a suppression
// without a reason is a programming error, not a user error.
func Suppress(construct constructs.IConstruct, suppressions ...Suppression) {
	list := make([]*cdknag.NagPackSuppression, 0, len(suppressions))
	for _, s := range suppressions {
		if s.Rule == "" || s.Reason == "" {
			panic(fmt.Sprintf("%s: suppression needs a rule and a reason, got %+v", *construct.Node().Path(), s))
		}
		ns := &cdknag.NagPackSuppression{Id: jsii.String(s.Rule), Reason: jsii.String(s.Reason)}
		if len(s.AppliesTo) > 0 {
			applies := make([]interface{}, len(s.AppliesTo))
			for i, a := range s.AppliesTo {
				if re, ok := strings.CutPrefix(a, "regex:"); ok {
					applies[i] = map[string]any{"regex": re}
				} else {
					applies[i] = a
				}
			}
			ns.AppliesTo = &applies
		}
		list = append(list, ns)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(construct, &list, jsii.Bool(true))
}
