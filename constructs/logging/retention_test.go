package logging

import (
	"fmt"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

// TestRetentionOfEveryPeriod: every period of spec's table becomes the
// aws-cdk-lib value that synthesizes to that many days.
func TestRetentionOfEveryPeriod(t *testing.T) {
	stack := constructtest.NewStack(t)
	for _, r := range spec.RetentionPeriods {
		awslogs.NewLogGroup(stack, jsii.String(fmt.Sprintf("Keep%d", r.Days)), &awslogs.LogGroupProps{
			LogGroupName: jsii.String(fmt.Sprintf("/test/keep-%d", r.Days)),
			Retention:    Retention(r.Days),
		})
	}
	tmpl := constructtest.Template(t, stack)
	for _, r := range spec.RetentionPeriods {
		t.Run(r.CDKName, func(t *testing.T) {
			tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
				"LogGroupName": fmt.Sprintf("/test/keep-%d", r.Days), "RetentionInDays": r.Days,
			})
		})
	}
}
