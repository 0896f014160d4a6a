// Package audit provisions the account's audit trail.
package audit

import (
	"errors"
	"fmt"
	"maps"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudtrail"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
)

// TrailProps configures a Trail.
type TrailProps struct {
	// Bucket is the log archive the trail writes to. Required.
	Bucket awss3.IBucket
	// Key encrypts the trail's files and its log group. Required.
	Key awskms.IKey
	// Prefix is the key prefix in the bucket. @default "cloudtrail"
	Prefix string
	// LogRetention keeps the trail's CloudWatch copy (for metric filters and
	// alarms) this long. @default awslogs.RetentionDays_ONE_YEAR
	LogRetention awslogs.RetentionDays
	// RemovalPolicy applies to the log group. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p TrailProps) Validate() error {
	var errs []error
	if p.Bucket == nil {
		errs = append(errs, errors.New("bucket: required"))
	}
	if p.Key == nil {
		errs = append(errs, errors.New("key: required"))
	}
	return errors.Join(errs...)
}

// Trail is a multi-region CloudTrail of management events with log file
// validation, KMS-encrypted into the log archive, with a copy in CloudWatch
// Logs for alerting (PCI DSS 10.2, 10.5).
type Trail struct {
	constructs.Construct
	Trail    awscloudtrail.Trail
	LogGroup awslogs.LogGroup
}

// NewTrail provisions the trail; it panics on invalid props.
func NewTrail(scope constructs.Construct, id string, props TrailProps) *Trail {
	if props.Prefix == "" {
		props.Prefix = "cloudtrail"
	}
	if props.LogRetention == "" {
		props.LogRetention = awslogs.RetentionDays_ONE_YEAR
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	t := &Trail{Construct: self}
	t.LogGroup = awslogs.NewLogGroup(self, jsii.String("LogGroup"), &awslogs.LogGroupProps{
		EncryptionKey: props.Key,
		Retention:     props.LogRetention,
		RemovalPolicy: props.RemovalPolicy,
	})
	t.Trail = awscloudtrail.NewTrail(self, jsii.String("Resource"), &awscloudtrail.TrailProps{
		Bucket:                     props.Bucket,
		S3KeyPrefix:                jsii.String(props.Prefix),
		EncryptionKey:              props.Key,
		IsMultiRegionTrail:         jsii.Bool(true),
		IncludeGlobalServiceEvents: jsii.Bool(true),
		EnableFileValidation:       jsii.Bool(true),
		ManagementEvents:           awscloudtrail.ReadWriteType_ALL,
		SendToCloudWatchLogs:       jsii.Bool(true),
		CloudWatchLogGroup:         t.LogGroup,
	})
	// Deleting the stack must not stop the audit trail in envs that keep data.
	t.Trail.ApplyRemovalPolicy(props.RemovalPolicy)
	// CloudTrail encrypts with the key only if the key policy lets it, for
	// this account's trails (AWS CloudTrail user guide, "Configure AWS KMS
	// key policies for CloudTrail").
	stack := awscdk.Stack_Of(self)
	trailPrincipal := awsiam.NewServicePrincipal(jsii.String("cloudtrail.amazonaws.com"), nil)
	// Only on behalf of this account's trails (the confused-deputy guard):
	// by pattern, since the trail's own ARN would make the key depend on
	// the trail that depends on it.
	trails := fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/*", *stack.Partition(), *stack.Region(), *stack.Account())
	fromTheseTrails := map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		"ArnLike":      map[string]any{"aws:SourceArn": trails},
	}
	props.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudTrailToEncrypt"),
		Principals: &[]awsiam.IPrincipal{trailPrincipal},
		Actions:    jsii.Strings("kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		// These trails, and only to encrypt their own log files.
		Conditions: withCondition(fromTheseTrails, "StringLike", map[string]any{
			"kms:EncryptionContext:aws:cloudtrail:arn": fmt.Sprintf("arn:%s:cloudtrail:*:%s:trail/*", *stack.Partition(), *stack.Account()),
		}),
	}), jsii.Bool(true))
	props.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudTrailToDescribeKey"),
		Principals: &[]awsiam.IPrincipal{trailPrincipal},
		Actions:    jsii.Strings("kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &fromTheseTrails,
	}), jsii.Bool(true))
	compliance.Suppress(self,
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "CloudTrail's delivery role has one least-privilege policy for its own log group, generated with the trail."},
	)
	return t
}

// withCondition is conditions with one more operator's block added.
func withCondition(conditions map[string]any, operator string, block map[string]any) *map[string]any {
	out := maps.Clone(conditions)
	out[operator] = block
	return &out
}
