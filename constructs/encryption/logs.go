// Package encryption holds the key policies AWS services need before they
// can use a customer KMS key, written once.
package encryption

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"
)

// AllowCloudWatchLogs lets the regional CloudWatch Logs service use key for
// the log groups of this account whose name matches one of logGroups (a
// name or a pattern such as "*"), as CloudWatch Logs requires before it
// encrypts a log group with a customer key. Call it once per key.
func AllowCloudWatchLogs(key awskms.IKey, logGroup string, more ...string) {
	stack := awscdk.Stack_Of(key)
	arn := func(name string) string {
		return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", *stack.Partition(), *stack.Region(), *stack.Account(), name)
	}
	var groups any = arn(logGroup)
	if len(more) > 0 {
		all := []string{arn(logGroup)}
		for _, g := range more {
			all = append(all, arn(g))
		}
		groups = all
	}
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchLogs"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String(fmt.Sprintf("logs.%s.amazonaws.com", *stack.Region())), nil)},
		Actions:    jsii.Strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"ArnLike": map[string]any{
			"kms:EncryptionContext:aws:logs:arn": groups,
		}},
	}), nil)
}
