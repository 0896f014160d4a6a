package logging

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

func TestLogArchivePropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    LogArchiveProps
		want string
	}{
		{"IA too early", LogArchiveProps{InfrequentAccessAfterDays: 7, GlacierAfterDays: 90, ExpireAfterDays: 400}, "infrequentAccessAfterDays: S3 requires >= 30, got 7"},
		{"glacier before IA", LogArchiveProps{InfrequentAccessAfterDays: 60, GlacierAfterDays: 60, ExpireAfterDays: 400}, "glacierAfterDays: must be >= infrequentAccessAfterDays + 30 (90), got 60"},
		{"expiry before glacier", LogArchiveProps{InfrequentAccessAfterDays: 30, GlacierAfterDays: 90, ExpireAfterDays: 60}, "expireAfterDays: must be > glacierAfterDays (90), got 60"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestLogArchive(t *testing.T) {
	stack := constructtest.NewStack(t)
	NewLogArchive(stack, "Archive", LogArchiveProps{ExpireAfterDays: 400})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("archive bucket", func(t *testing.T) {
		tmpl.HasResource(jsii.String("AWS::S3::Bucket"), map[string]any{
			"DeletionPolicy": "Retain",
			"Properties": assertions.Match_ObjectLike(&map[string]any{
				"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
					"BucketKeyEnabled":              true,
					"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": assertions.Match_AnyValue()},
				}}},
				"VersioningConfiguration":        map[string]any{"Status": "Enabled"},
				"PublicAccessBlockConfiguration": map[string]any{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
				"LoggingConfiguration":           assertions.Match_ObjectLike(&map[string]any{"LogFilePrefix": "s3-access/log-archive/"}),
				"LifecycleConfiguration": map[string]any{"Rules": []any{assertions.Match_ObjectLike(&map[string]any{
					"ExpirationInDays": 400,
					"Transitions": []any{
						map[string]any{"StorageClass": "STANDARD_IA", "TransitionInDays": 30},
						map[string]any{"StorageClass": "GLACIER_IR", "TransitionInDays": 90},
					},
				})}},
			}),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{"EnableKeyRotation": true})
	})
	t.Run("TLS only", func(t *testing.T) {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			})})},
		}, jsii.Number(2))
	})
	t.Run("access log bucket is SSE-S3 for ALB logs", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
				"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"},
			}}},
		})
	})
}
