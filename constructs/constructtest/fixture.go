// Package constructtest is the shared fixture of the construct unit tests:
// a stack in a fixed account and region with the compliance packs applied,
// and the assertions every construct test makes about compliance findings.
package constructtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/internal/cdkflags"
)

// Account, Region and AZs are the fixture's environment.
const (
	Account = "111111111111"
	Region  = "ap-northeast-1"
)

// AZs are the fixture region's three availability zones.
var AZs = []string{"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}

// NewStack returns an empty stack in the fixture environment with the
// compliance packs applied. The AZ context is set so that nothing looks up
// AWS, and template validation is off to keep unit tests fast (the CLI synth
// in `make test` keeps it on).
func NewStack(t testing.TB) awscdk.Stack {
	t.Helper()
	context := map[string]interface{}{
		fmt.Sprintf("availability-zones:account=%s:region=%s", Account, Region): AZs,
	}
	// The app's own feature flags, so constructs are tested as they deploy.
	for k, v := range cdkflags.FeatureFlags {
		context[k] = v
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &context})
	stack := awscdk.NewStack(app, jsii.String("Test"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(Account), Region: jsii.String(Region)},
	})
	compliance.Apply(stack)
	return stack
}

// Template synthesizes stack and returns its template.
func Template(t testing.TB, stack awscdk.Stack) assertions.Template {
	t.Helper()
	return assertions.Template_FromStack(stack, nil)
}

// RequireNoNagErrors fails the test on every unsuppressed cdk-nag error in stack.
func RequireNoNagErrors(t testing.TB, stack awscdk.Stack) {
	t.Helper()
	msgs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String(".*")))
	var found []string
	for _, m := range *msgs {
		found = append(found, fmt.Sprintf("%s: %v", *m.Id, m.Entry.Data))
	}
	if len(found) > 0 {
		t.Fatalf("%d unsuppressed error annotation(s):\n%s", len(found), strings.Join(found, "\n"))
	}
}
