package audit

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/logging"
)

func TestTrail(t *testing.T) {
	stack := constructtest.NewStack(t)
	archive := logging.NewLogArchive(stack, "Archive", logging.LogArchiveProps{})
	NewTrail(stack, "Trail", TrailProps{Bucket: archive.Audit.Bucket, Key: archive.Audit.Key})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("trail", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudTrail::Trail"), map[string]any{
			"IsMultiRegionTrail":         true,
			"IncludeGlobalServiceEvents": true,
			"EnableLogFileValidation":    true,
			"IsLogging":                  true,
			"KMSKeyId":                   assertions.Match_AnyValue(),
			"S3KeyPrefix":                "cloudtrail",
			"CloudWatchLogsLogGroupArn":  assertions.Match_AnyValue(),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"KmsKeyId": assertions.Match_AnyValue(), "RetentionInDays": 365})
	})
	t.Run("CloudTrail may use the audit key for this account's trails only", func(t *testing.T) {
		fromTheseTrails := map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": "111111111111"},
			"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:cloudtrail:ap-northeast-1:111111111111:trail/*"},
		}
		for sid, action := range map[string]string{"AllowCloudTrailToEncrypt": "kms:GenerateDataKey*", "AllowCloudTrailToDescribeKey": "kms:DescribeKey"} {
			tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
				"KeyPolicy": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
					"Sid": sid, "Action": action, "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
					"Condition": assertions.Match_ObjectLike(&fromTheseTrails),
				})})},
			})
		}
	})
	t.Run("CloudTrail may write to the archive", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Action": "s3:PutObject", "Principal": map[string]any{"Service": "cloudtrail.amazonaws.com"},
			})})},
		})
	})
}
