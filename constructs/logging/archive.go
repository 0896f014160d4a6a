// Package logging provisions where the platform's logs live: an encrypted
// archive in S3 fed by Kinesis Data Firehose and queried with Athena.
package logging

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/encryption"
)

// LogArchiveProps configures a LogArchive.
type LogArchiveProps struct {
	// InfrequentAccessAfterDays moves objects to S3 Standard-IA. @default 30 (S3's minimum)
	InfrequentAccessAfterDays int
	// GlacierAfterDays moves objects to Glacier Instant Retrieval. @default 90
	GlacierAfterDays int
	// ExpireAfterDays deletes objects. @default 400 (PCI DSS 10.7: a year, with margin)
	ExpireAfterDays int
	// RemovalPolicy applies to the buckets and the key. @default awscdk.RemovalPolicy_RETAIN
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
	return errors.Join(errs...)
}

// LogArchive is the environment's log archive: a bucket encrypted with a
// rotating customer key (versioned, TLS only, no public access, owner-
// enforced objects, cheaper storage classes as logs age, expiry), and a
// second bucket for what AWS services can only write with S3-managed
// encryption: ALB access logs and the archive's own server access logs.
type LogArchive struct {
	constructs.Construct
	Key    awskms.Key
	Bucket awss3.Bucket
	// AccessLogBucket takes ALB access logs and S3 server access logs.
	AccessLogBucket awss3.Bucket
}

// NewLogArchive provisions the archive; it panics on invalid props.
func NewLogArchive(scope constructs.Construct, id string, props LogArchiveProps) *LogArchive {
	if props.InfrequentAccessAfterDays == 0 {
		props.InfrequentAccessAfterDays = 30
	}
	if props.GlacierAfterDays == 0 {
		props.GlacierAfterDays = 90
	}
	if props.ExpireAfterDays == 0 {
		props.ExpireAfterDays = 400
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	a := &LogArchive{Construct: self}
	lifecycle := &[]*awss3.LifecycleRule{{
		Id: jsii.String("age-out"),
		Transitions: &[]*awss3.Transition{
			{StorageClass: awss3.StorageClass_INFREQUENT_ACCESS(), TransitionAfter: awscdk.Duration_Days(jsii.Number(props.InfrequentAccessAfterDays))},
			{StorageClass: awss3.StorageClass_GLACIER_INSTANT_RETRIEVAL(), TransitionAfter: awscdk.Duration_Days(jsii.Number(props.GlacierAfterDays))},
		},
		Expiration:                          awscdk.Duration_Days(jsii.Number(props.ExpireAfterDays)),
		NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(30)),
		AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
	}}
	a.AccessLogBucket = awss3.NewBucket(self, jsii.String("AccessLogBucket"), &awss3.BucketProps{
		// ALB access logs and S3 server access logs support SSE-S3 only.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:         jsii.Bool(true),
		LifecycleRules:    lifecycle,
		RemovalPolicy:     props.RemovalPolicy,
		AutoDeleteObjects: jsii.Bool(false),
	})
	a.Key = encryption.NewKey(self, "Key", encryption.KeyProps{
		Description:   "Encrypts the log archive",
		RemovalPolicy: props.RemovalPolicy,
	})
	// VPC flow logs delivered to S3 encrypt with this key.
	a.Key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowLogDeliveryToEncrypt"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("delivery.logs.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": awscdk.Stack_Of(self).Account()}},
	}), nil)
	// Log groups of the environment (delivery errors, the trail) encrypt with it too.
	encryption.AllowCloudWatchLogs(a.Key, "*")
	a.Bucket = awss3.NewBucket(self, jsii.String("Bucket"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          a.Key,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		LifecycleRules:         lifecycle,
		ServerAccessLogsBucket: a.AccessLogBucket,
		ServerAccessLogsPrefix: jsii.String("s3-access/log-archive/"),
		RemovalPolicy:          props.RemovalPolicy,
	})
	compliance.Suppress(a.AccessLogBucket,
		compliance.Suppression{Rule: "AwsSolutions-S1", Reason: "This bucket is the server access log destination; logging it to itself would loop."},
		compliance.Suppression{Rule: "PCI.DSS.321-S3BucketLoggingEnabled", Reason: "This bucket is the server access log destination; logging it to itself would loop."},
		compliance.Suppression{Rule: "PCI.DSS.321-S3DefaultEncryptionKMS", Reason: "ALB access logs and S3 server access logs can only be delivered to SSE-S3 buckets."},
		compliance.Suppression{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Reason: "Logs of one environment stay in its account and region; durability comes from S3 and versioning."},
	)
	compliance.Suppress(a.Bucket,
		compliance.Suppression{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Reason: "Logs of one environment stay in its account and region; durability comes from S3 and versioning."},
	)
	return a
}
