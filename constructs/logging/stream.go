package logging

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesisfirehose"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

var streamName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,64}$`)

// LogDeliveryStreamProps configures a LogDeliveryStream.
type LogDeliveryStreamProps struct {
	// Name is the stream's name; WAF only logs to streams named
	// aws-waf-logs-*. Required.
	Name string
	// Store receives the logs: the archive's App or Audit store. Required.
	Store LogStore
	// Layout is where in the archive, partitioned how. Required.
	Layout Layout
	// BufferInterval and BufferSizeMiB trade latency for fewer, larger
	// objects. @default 300 s and 64 MiB (dynamic partitioning's minimum)
	BufferIntervalSeconds int
	BufferSizeMiB         int
	// RecordsEndWithNewline says the producers end each record with a
	// newline already (Fluent Bit's kinesis_firehose output does); else
	// the stream appends one, so that Athena reads one JSON object a line.
	RecordsEndWithNewline bool
	// FromCloudWatchLogs says the records come from CloudWatch Logs
	// subscription filters: the stream decompresses them (CloudWatch Logs
	// sends each batch gzipped), writes one batch's JSON a line, and makes
	// SubscriptionRole, which subscription filters put records with.
	FromCloudWatchLogs bool
	// RemovalPolicy applies to the delivery error log group. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p LogDeliveryStreamProps) Validate() error {
	var errs []error
	if !streamName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be 1-64 letters, digits, _ . or -, got %q", p.Name))
	}
	if p.Store.Bucket == nil || p.Store.Key == nil {
		errs = append(errs, errors.New("store: required (a bucket and its key)"))
	}
	if err := p.Layout.validate(); err != nil {
		errs = append(errs, fmt.Errorf("layout: %w", err))
	}
	if p.BufferIntervalSeconds < 60 || p.BufferIntervalSeconds > 900 {
		errs = append(errs, fmt.Errorf("bufferIntervalSeconds: must be 60-900, got %d", p.BufferIntervalSeconds))
	}
	if p.BufferSizeMiB < 64 || p.BufferSizeMiB > 128 {
		errs = append(errs, fmt.Errorf("bufferSizeMiB: must be 64-128 with dynamic partitioning, got %d", p.BufferSizeMiB))
	}
	return errors.Join(errs...)
}

// LogDeliveryStream is a Kinesis Data Firehose stream (direct put, server-
// side encrypted) into the log archive: GZIP objects under the layout's
// partitioned prefix, failures under a separate error prefix, delivery
// errors logged to CloudWatch Logs, and a role that can write only there.
type LogDeliveryStream struct {
	constructs.Construct
	Stream awskinesisfirehose.CfnDeliveryStream
	Role   awsiam.Role
	Layout Layout
	// Store is where the stream writes.
	Store LogStore
	// Arn is the stream's ARN, for WAF logging configurations and producers.
	Arn *string
	// SubscriptionRole is the role CloudWatch Logs subscription filters of
	// this account put records into the stream with (FromCloudWatchLogs).
	SubscriptionRole awsiam.Role
}

// NewLogDeliveryStream provisions the stream; it panics on invalid props.
func NewLogDeliveryStream(scope constructs.Construct, id string, props LogDeliveryStreamProps) *LogDeliveryStream {
	if props.BufferIntervalSeconds == 0 {
		props.BufferIntervalSeconds = spec.DefaultFirehoseBufferIntervalSeconds
	}
	if props.BufferSizeMiB == 0 {
		props.BufferSizeMiB = spec.DefaultFirehoseBufferSizeMiB
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	s := &LogDeliveryStream{Construct: self, Layout: props.Layout, Store: props.Store}
	stack := awscdk.Stack_Of(self)
	bucket, key := props.Store.Bucket, props.Store.Key

	errorLogs := awslogs.NewLogGroup(self, jsii.String("DeliveryErrors"), &awslogs.LogGroupProps{
		// A year: CloudWatch Logs groups are kept that long (Control Tower
		// CT.CLOUDWATCH.PR.2); delivery errors are few.
		Retention:     awslogs.RetentionDays_ONE_YEAR,
		EncryptionKey: key,
		RemovalPolicy: props.RemovalPolicy,
	})
	errorStream := errorLogs.AddStream(jsii.String("S3Delivery"), nil)

	s.Role = awsiam.NewRole(self, jsii.String("Role"), &awsiam.RoleProps{
		Description: jsii.String(fmt.Sprintf("Firehose %s writes to %s only", props.Name, props.Layout.Root)),
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("firehose.amazonaws.com"), &awsiam.ServicePrincipalOpts{
			Conditions: &map[string]any{"StringEquals": map[string]any{"sts:ExternalId": stack.Account()}},
		}),
	})
	policy := awsiam.NewPolicy(self, jsii.String("Policy"), &awsiam.PolicyProps{
		Roles: &[]awsiam.IRole{s.Role},
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
				Resources: &[]*string{bucket.BucketArn()},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions: jsii.Strings("s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject"),
				Resources: &[]*string{
					bucket.ArnForObjects(jsii.String(props.Layout.Root + "*")),
					bucket.ArnForObjects(jsii.String("errors/" + props.Layout.Root + "*")),
				},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("kms:GenerateDataKey", "kms:Decrypt"),
				Resources: &[]*string{key.KeyArn()},
				Conditions: &map[string]any{
					"StringEquals": map[string]any{"kms:ViaService": fmt.Sprintf("s3.%s.amazonaws.com", *stack.Region())},
				},
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("logs:PutLogEvents"),
				Resources: &[]*string{errorLogs.LogGroupArn()},
			}),
		},
	})

	var processing *awskinesisfirehose.CfnDeliveryStream_ProcessingConfigurationProperty
	var dynamic *awskinesisfirehose.CfnDeliveryStream_DynamicPartitioningConfigurationProperty
	if props.FromCloudWatchLogs {
		processing = &awskinesisfirehose.CfnDeliveryStream_ProcessingConfigurationProperty{
			Enabled: jsii.Bool(true),
			Processors: &[]*awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{
				{Type: jsii.String("Decompression"), Parameters: &[]*awskinesisfirehose.CfnDeliveryStream_ProcessorParameterProperty{
					{ParameterName: jsii.String("CompressionFormat"), ParameterValue: jsii.String("GZIP")},
				}},
				{Type: jsii.String("AppendDelimiterToRecord")},
			},
		}
		s.SubscriptionRole = awsiam.NewRole(self, jsii.String("SubscriptionRole"), &awsiam.RoleProps{
			Description: jsii.String(fmt.Sprintf("CloudWatch Logs subscription filters of this account put records into Firehose %s", props.Name)),
			AssumedBy: awsiam.NewServicePrincipal(jsii.String("logs.amazonaws.com"), &awsiam.ServicePrincipalOpts{
				Conditions: &map[string]any{"StringLike": map[string]any{
					"aws:SourceArn": fmt.Sprintf("arn:%s:logs:%s:%s:*", *stack.Partition(), *stack.Region(), *stack.Account()),
				}},
			}),
		})
	} else if q := props.Layout.MetadataExtractionQuery(); q != "" {
		dynamic = &awskinesisfirehose.CfnDeliveryStream_DynamicPartitioningConfigurationProperty{
			Enabled:      jsii.Bool(true),
			RetryOptions: &awskinesisfirehose.CfnDeliveryStream_RetryOptionsProperty{DurationInSeconds: jsii.Number(300)},
		}
		processors := []*awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{
			{Type: jsii.String("MetadataExtraction"), Parameters: &[]*awskinesisfirehose.CfnDeliveryStream_ProcessorParameterProperty{
				{ParameterName: jsii.String("MetadataExtractionQuery"), ParameterValue: jsii.String(q)},
				{ParameterName: jsii.String("JsonParsingEngine"), ParameterValue: jsii.String("JQ-1.6")},
			}},
		}
		if !props.RecordsEndWithNewline {
			// One JSON object per line, as Athena's JSON SerDe reads them;
			// a second newline would read as an empty row.
			processors = append(processors, &awskinesisfirehose.CfnDeliveryStream_ProcessorProperty{Type: jsii.String("AppendDelimiterToRecord")})
		}
		processing = &awskinesisfirehose.CfnDeliveryStream_ProcessingConfigurationProperty{
			Enabled:    jsii.Bool(true),
			Processors: &processors,
		}
	}
	s.Stream = awskinesisfirehose.NewCfnDeliveryStream(self, jsii.String("Resource"), &awskinesisfirehose.CfnDeliveryStreamProps{
		DeliveryStreamName: jsii.String(props.Name),
		DeliveryStreamType: jsii.String("DirectPut"),
		DeliveryStreamEncryptionConfigurationInput: &awskinesisfirehose.CfnDeliveryStream_DeliveryStreamEncryptionConfigurationInputProperty{
			KeyType: jsii.String("AWS_OWNED_CMK"),
		},
		ExtendedS3DestinationConfiguration: &awskinesisfirehose.CfnDeliveryStream_ExtendedS3DestinationConfigurationProperty{
			BucketArn:         bucket.BucketArn(),
			RoleArn:           s.Role.RoleArn(),
			Prefix:            jsii.String(props.Layout.FirehosePrefix()),
			ErrorOutputPrefix: jsii.String(props.Layout.ErrorPrefix()),
			CompressionFormat: jsii.String("GZIP"),
			BufferingHints: &awskinesisfirehose.CfnDeliveryStream_BufferingHintsProperty{
				IntervalInSeconds: jsii.Number(props.BufferIntervalSeconds),
				SizeInMBs:         jsii.Number(props.BufferSizeMiB),
			},
			EncryptionConfiguration: &awskinesisfirehose.CfnDeliveryStream_EncryptionConfigurationProperty{
				KmsEncryptionConfig: &awskinesisfirehose.CfnDeliveryStream_KMSEncryptionConfigProperty{AwskmsKeyArn: key.KeyArn()},
			},
			CloudWatchLoggingOptions: &awskinesisfirehose.CfnDeliveryStream_CloudWatchLoggingOptionsProperty{
				Enabled:       jsii.Bool(true),
				LogGroupName:  errorLogs.LogGroupName(),
				LogStreamName: errorStream.LogStreamName(),
			},
			DynamicPartitioningConfiguration: dynamic,
			ProcessingConfiguration:          processing,
		},
	})
	// The role's policy must exist before Firehose checks it can write.
	s.Stream.Node().AddDependency(policy)
	s.Arn = s.Stream.AttrArn()
	if s.SubscriptionRole != nil {
		s.SubscriptionRole.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Actions:   jsii.Strings("firehose:PutRecord", "firehose:PutRecordBatch"),
			Resources: &[]*string{s.Arn},
		}))
	}
	compliance.Suppress(self,
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "Firehose names objects itself under the stream's own prefixes; the wildcard is limited to those prefixes.",
			AppliesTo: []string{`regex:/^Resource::<.*Bucket.*\.Arn>/(errors/)?` + regexp.QuoteMeta(props.Layout.Root) + `.*\*$/`}},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "The stream's role has exactly one least-privilege policy, scoped to its own prefixes, key and log group; a managed policy could be attached elsewhere."},
	)
	return s
}
