package logging

import (
	"fmt"
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
		{"unknown lock", LogArchiveProps{InfrequentAccessAfterDays: 30, GlacierAfterDays: 90, ExpireAfterDays: 400, AuditLock: "LEGAL_HOLD"}, `auditLock: must be "", "GOVERNANCE" or "COMPLIANCE", got "LEGAL_HOLD"`},
		{"bad bucket name", LogArchiveProps{InfrequentAccessAfterDays: 30, GlacierAfterDays: 90, ExpireAfterDays: 400, AccessLogBucketName: "Logs_Bucket"}, `accessLogBucketName: must be an S3 bucket name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestAuditStore: audit logs have their own key and bucket, whose versions
// are kept as long as the logs, and are locked in the mode asked.
func TestAuditStore(t *testing.T) {
	for _, tc := range []struct {
		lock ObjectLock
		want any
	}{
		{ObjectLockNone, nil},
		{ObjectLockGovernance, map[string]any{"ObjectLockEnabled": "Enabled", "Rule": map[string]any{"DefaultRetention": map[string]any{"Mode": "GOVERNANCE", "Days": 400}}}},
		{ObjectLockCompliance, map[string]any{"ObjectLockEnabled": "Enabled", "Rule": map[string]any{"DefaultRetention": map[string]any{"Mode": "COMPLIANCE", "Days": 400}}}},
	} {
		t.Run(string(tc.lock)+"lock", func(t *testing.T) {
			stack := constructtest.NewStack(t)
			a := NewLogArchive(stack, "Archive", LogArchiveProps{ExpireAfterDays: 400, AuditLock: tc.lock})
			tmpl := constructtest.Template(t, stack)
			audit := *tmpl.FindResources(jsii.String("AWS::S3::Bucket"), &map[string]any{"Properties": map[string]any{
				"LoggingConfiguration": assertions.Match_ObjectLike(&map[string]any{"LogFilePrefix": "s3-access/audit-archive/"}),
			}})
			if len(audit) != 1 {
				t.Fatalf("%d audit buckets, want 1", len(audit))
			}
			for _, b := range audit {
				p := (*b)["Properties"].(map[string]any)
				if got := p["ObjectLockConfiguration"]; fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("object lock %v, want %v", got, tc.want)
				}
				if got, want := p["ObjectLockEnabled"] == true, tc.want != nil; got != want {
					t.Errorf("ObjectLockEnabled = %v, want %v", p["ObjectLockEnabled"], want)
				}
				rule := p["LifecycleConfiguration"].(map[string]any)["Rules"].([]any)[0].(map[string]any)
				if fmt.Sprint(rule["NoncurrentVersionExpiration"]) != "map[NoncurrentDays:400]" {
					t.Errorf("overwritten audit logs expire after %v, want the full 400 days", rule["NoncurrentVersionExpiration"])
				}
			}
			if audit, app := fmt.Sprint(stack.Resolve(a.Audit.Key.KeyArn())), fmt.Sprint(stack.Resolve(a.App.Key.KeyArn())); audit == app {
				t.Errorf("audit and application logs share a key: %s", audit)
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
		}, jsii.Number(3))
	})
	t.Run("log deliveries only on behalf of this account", func(t *testing.T) {
		tmpl.ResourcePropertiesCountIs(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Sid": "LogDeliveryForThisAccountOnly", "Effect": "Deny", "Action": "s3:PutObject",
				"Principal": map[string]any{"Service": []any{"cloudtrail.amazonaws.com", "delivery.logs.amazonaws.com", "logging.s3.amazonaws.com"}},
				"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:SourceAccount": "111111111111"}},
			})})},
		}, jsii.Number(3))
	})
	t.Run("access log bucket is SSE-S3 for ALB logs", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
			"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": []any{map[string]any{
				"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"},
			}}},
		})
	})
}
