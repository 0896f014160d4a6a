// Package logging provisions where the platform's logs live: an encrypted
// archive in S3 fed by Kinesis Data Firehose and queried with Athena.
package logging

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/spec"
)

// ObjectLock is how S3 Object Lock keeps audit logs from being deleted or
// overwritten before their retention ends.
type ObjectLock string

// The Object Lock modes. In governance mode a principal with
// s3:BypassGovernanceRetention can still delete (the platform's boundary
// denies it to every role it creates); in compliance mode nobody can, the
// root user included, until the retention ends.
const (
	ObjectLockNone       ObjectLock = ""
	ObjectLockGovernance ObjectLock = "GOVERNANCE"
	ObjectLockCompliance ObjectLock = "COMPLIANCE"
)

// LogArchiveProps configures a LogArchive.
type LogArchiveProps struct {
	// InfrequentAccessAfterDays moves objects to S3 Standard-IA. @default 30 (S3's minimum)
	InfrequentAccessAfterDays int
	// GlacierAfterDays moves objects to Glacier Instant Retrieval. @default 90
	GlacierAfterDays int
	// ExpireAfterDays deletes objects; in the audit store it is also the
	// Object Lock retention and the age at which overwritten or deleted
	// versions go. @default 400 (PCI DSS 10.7: a year, with margin)
	ExpireAfterDays int
	// AuditLock locks every audit log object for ExpireAfterDays.
	// @default ObjectLockNone
	AuditLock ObjectLock
	// AccessLogBucketName names the access log bucket, so that what writes
	// to it (ALBs, S3 server access logging) can name it in its own stack.
	// @default - CloudFormation names it
	AccessLogBucketName string
	// RemovalPolicy applies to the buckets and the keys. @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p LogArchiveProps) Validate() error {
	var errs []error
	if p.InfrequentAccessAfterDays < 30 {
		errs = append(errs, fmt.Errorf("infrequentAccessAfterDays: S3 requires >= 30, got %d", p.InfrequentAccessAfterDays))
	}
	if p.GlacierAfterDays < p.InfrequentAccessAfterDays+30 {
		errs = append(errs, fmt.Errorf("glacierAfterDays: must be >= infrequentAccessAfterDays + 30 (%d), got %d", p.InfrequentAccessAfterDays+30, p.GlacierAfterDays))
	}
	if p.ExpireAfterDays <= p.GlacierAfterDays {
		errs = append(errs, fmt.Errorf("expireAfterDays: must be > glacierAfterDays (%d), got %d", p.GlacierAfterDays, p.ExpireAfterDays))
	}
	switch p.AuditLock {
	case ObjectLockNone, ObjectLockGovernance, ObjectLockCompliance:
	default:
		errs = append(errs, fmt.Errorf("auditLock: must be %q, %q or %q, got %q", ObjectLockNone, ObjectLockGovernance, ObjectLockCompliance, p.AuditLock))
	}
	if p.AccessLogBucketName != "" && !bucketName.MatchString(p.AccessLogBucketName) {
		errs = append(errs, fmt.Errorf("accessLogBucketName: must be an S3 bucket name (3-63 lowercase letters, digits, - and .), got %q", p.AccessLogBucketName))
	}
	return errors.Join(errs...)
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// LogStore is where one kind of log is kept: a bucket and the key that
// encrypts it.
type LogStore struct {
	Bucket awss3.Bucket
	Key    awskms.Key
}

// LogArchive is the environment's log archive, in two stores with a key
// each, so that who may read application logs cannot read the audit trail:
//
//   - App: application and node logs (and Athena's results, the alerting
//     log group, the canaries' artifacts);
//   - Audit: CloudTrail, VPC flow logs and WAF logs, with S3 Object Lock
//     where asked, and overwritten or deleted versions kept as long as the
//     current ones.
//
// Both are versioned, TLS only, private, owner-enforced, age into cheaper
// storage and expire. A third bucket takes what AWS services can only
// write with S3-managed encryption: ALB access logs and the stores' own
// server access logs.
type LogArchive struct {
	constructs.Construct
	App, Audit LogStore
	// AccessLogBucket takes ALB access logs and S3 server access logs.
	AccessLogBucket awss3.Bucket
}

// NewLogArchive provisions the archive; it panics on invalid props.
func NewLogArchive(scope constructs.Construct, id string, props LogArchiveProps) *LogArchive {
	if props.InfrequentAccessAfterDays == 0 {
		props.InfrequentAccessAfterDays = spec.DefaultArchiveInfrequentAccessAfterDays
	}
	if props.GlacierAfterDays == 0 {
		props.GlacierAfterDays = spec.DefaultArchiveGlacierAfterDays
	}
	if props.ExpireAfterDays == 0 {
		props.ExpireAfterDays = spec.DefaultArchiveExpireAfterDays
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	a := &LogArchive{Construct: self}
	stack := awscdk.Stack_Of(self)
	lifecycle := func(keepVersionsDays int) *[]*awss3.LifecycleRule {
		return &[]*awss3.LifecycleRule{{
			Id: jsii.String("age-out"),
			Transitions: &[]*awss3.Transition{
				{StorageClass: awss3.StorageClass_INFREQUENT_ACCESS(), TransitionAfter: awscdk.Duration_Days(jsii.Number(props.InfrequentAccessAfterDays))},
				{StorageClass: awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL(), TransitionAfter: awscdk.Duration_Days(jsii.Number(props.GlacierAfterDays))},
			},
			Expiration:                          awscdk.Duration_Days(jsii.Number(props.ExpireAfterDays)),
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(keepVersionsDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
		}}
	}
	var accessLogBucketName *string
	if props.AccessLogBucketName != "" {
		accessLogBucketName = jsii.String(props.AccessLogBucketName)
	}
	a.AccessLogBucket = awss3.NewBucket(self, jsii.String("AccessLogBucket"), &awss3.BucketProps{
		BucketName: accessLogBucketName,
		// ALB access logs and S3 server access logs support SSE-S3 only.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(true),
		LifecycleRules:    lifecycle(30),
		RemovalPolicy:     props.RemovalPolicy,
		AutoDeleteObjects: jsii.Bool(false),
	})

	a.App.Key = encryption.NewKey(self, "Key", encryption.KeyProps{
		Description:   "Encrypts the application log archive: container and node logs, alerting lines, query results, canary artifacts",
		RemovalPolicy: props.RemovalPolicy,
	})
	// Log groups of the environment (delivery errors, alerting) encrypt with it.
	encryption.AllowCloudWatchLogs(a.App.Key, "*")
	a.App.Bucket = awss3.NewBucket(self, jsii.String("Bucket"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          a.App.Key,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		LifecycleRules:         lifecycle(30),
		ServerAccessLogsBucket: a.AccessLogBucket,
		ServerAccessLogsPrefix: jsii.String("s3-access/log-archive/"),
		RemovalPolicy:          props.RemovalPolicy,
	})

	a.Audit.Key = encryption.NewKey(self, "AuditKey", encryption.KeyProps{
		Description:   "Encrypts the audit log archive: CloudTrail, VPC flow logs, WAF logs",
		RemovalPolicy: props.RemovalPolicy,
	})
	// VPC flow logs delivered to S3 encrypt with this key, for this
	// account's log deliveries only.
	a.Audit.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowLogDeliveryToEncrypt"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("delivery.logs.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
			"ArnLike":      map[string]any{"aws:SourceArn": fmt.Sprintf("arn:%s:logs:%s:%s:*", *stack.Partition(), *stack.Region(), *stack.Account())},
		},
	}), nil)
	// The trail's CloudWatch copy and the WAF stream's delivery errors.
	encryption.AllowCloudWatchLogs(a.Audit.Key, "*")
	auditProps := &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          a.Audit.Key,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		LifecycleRules:         lifecycle(props.ExpireAfterDays),
		ServerAccessLogsBucket: a.AccessLogBucket,
		ServerAccessLogsPrefix: jsii.String("s3-access/audit-archive/"),
		RemovalPolicy:          props.RemovalPolicy,
	}
	retention := awscdk.Duration_Days(jsii.Number(props.ExpireAfterDays))
	switch props.AuditLock {
	case ObjectLockGovernance:
		auditProps.ObjectLockEnabled = jsii.Bool(true)
		auditProps.ObjectLockDefaultRetention = awss3.ObjectLockRetention_Governance(retention)
	case ObjectLockCompliance:
		auditProps.ObjectLockEnabled = jsii.Bool(true)
		auditProps.ObjectLockDefaultRetention = awss3.ObjectLockRetention_Compliance(retention)
	}
	a.Audit.Bucket = awss3.NewBucket(self, jsii.String("AuditBucket"), auditProps)

	// Log deliveries write to the archive only on behalf of this account:
	// a service principal's Allow (CloudTrail's, CDK's) is not enough.
	for _, b := range []awss3.Bucket{a.App.Bucket, a.Audit.Bucket, a.AccessLogBucket} {
		requireSourceAccount(b, stack.Account(), "cloudtrail.amazonaws.com", "delivery.logs.amazonaws.com", "logging.s3.amazonaws.com")
	}

	compliance.Suppress(a.AccessLogBucket,
		compliance.Suppression{Rule: "AwsSolutions-S1", Reason: "This bucket is the server access log destination; logging it to itself would loop."},
		compliance.Suppression{Rule: "PCI.DSS.321-S3BucketLoggingEnabled", Reason: "This bucket is the server access log destination; logging it to itself would loop."},
		compliance.Suppression{Rule: "PCI.DSS.321-S3DefaultEncryptionKMS", Reason: "ALB access logs and S3 server access logs can only be delivered to SSE-S3 buckets."},
		compliance.Suppression{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Reason: "Logs of one environment stay in its account and region; durability comes from S3 and versioning."},
	)
	for _, b := range []awss3.Bucket{a.App.Bucket, a.Audit.Bucket} {
		compliance.Suppress(b,
			compliance.Suppression{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Reason: "Logs of one environment stay in its account and region; durability comes from S3 and versioning."},
		)
	}
	return a
}

// requireSourceAccount denies the log delivery services any write to the
// bucket that is not on behalf of account, whatever Allow another
// statement gives them: the confused-deputy guard AWS documents for each.
func requireSourceAccount(b awss3.Bucket, account *string, services ...string) {
	var principals []awsiam.IPrincipal
	for _, s := range services {
		principals = append(principals, awsiam.NewServicePrincipal(jsii.String(s), nil))
	}
	b.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("LogDeliveryForThisAccountOnly"),
		Effect:     awsiam.Effect_DENY,
		Principals: &principals,
		Actions:    jsii.Strings("s3:PutObject"),
		Resources:  &[]*string{b.ArnForObjects(jsii.String("*"))},
		Conditions: &map[string]any{"StringNotEquals": map[string]any{"aws:SourceAccount": account}},
	}))
}
