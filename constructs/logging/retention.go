package logging

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"github.com/ecplatform/eks-platform/spec"
)

// Retention is the smallest retention CloudWatch Logs accepts that keeps
// logs at least days long (spec.RetentionAtLeast: asking for 100 days
// keeps them 120, never fewer than asked), as aws-cdk-lib's value.
func Retention(days int) awslogs.RetentionDays {
	return awslogs.RetentionDays(spec.RetentionAtLeast(days).CDKName)
}
