package audit

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/spec"
)

// SessionPreferencesDocument is the name Session Manager reads an account's
// and region's preferences from: the console creates it the first time
// someone saves preferences, and an account holds one.
const SessionPreferencesDocument = "SSM-SessionManagerRunShell"

// NodeSessionLogsProps configures NodeSessionLogs.
type NodeSessionLogsProps struct {
	// LogGroupName is the CloudWatch Logs group sessions are streamed to,
	// e.g. /platform/prd/node-sessions. Required.
	LogGroupName string
	// RetentionDays keeps sessions in the group, rounded up to a retention
	// CloudWatch Logs accepts. @default 365
	RetentionDays int
	// Archive is the stream the group's events are copied to, into the
	// audit store: a logging.LogDeliveryStream made FromCloudWatchLogs.
	// Required.
	Archive *logging.LogDeliveryStream
	// KeyArnParameter is the SSM parameter the key's ARN is published
	// under, for the node roles of other stacks (read when they deploy,
	// not exported: turning sessions off then changes both sides in one
	// deploy). Required.
	KeyArnParameter string
	// IdleSessionTimeoutMinutes ends a session nobody typed in for this
	// long (Session Manager takes 1-60). @default 20
	IdleSessionTimeoutMinutes int
	// RemovalPolicy applies to the key and the log group. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p NodeSessionLogsProps) Validate() error {
	var errs []error
	if !spec.IsLogGroupName(p.LogGroupName) {
		errs = append(errs, fmt.Errorf("logGroupName: must be a log group name (1-512 of A-Za-z0-9 . - _ / #), got %q", p.LogGroupName))
	}
	if p.RetentionDays < 1 {
		errs = append(errs, fmt.Errorf("retentionDays: must be >= 1, got %d", p.RetentionDays))
	}
	if p.Archive == nil || p.Archive.SubscriptionRole == nil {
		errs = append(errs, errors.New("archive: required, a LogDeliveryStream made FromCloudWatchLogs (it decompresses the batches and has the role subscription filters put records with)"))
	}
	if !spec.IsParameterPath(p.KeyArnParameter) {
		errs = append(errs, fmt.Errorf("keyArnParameter: must be an SSM parameter path such as /platform/prd/node-sessions/key-arn, got %q", p.KeyArnParameter))
	}
	if p.IdleSessionTimeoutMinutes < 1 || p.IdleSessionTimeoutMinutes > 60 {
		errs = append(errs, fmt.Errorf("idleSessionTimeoutMinutes: must be 1-60, got %d", p.IdleSessionTimeoutMinutes))
	}
	return errors.Join(errs...)
}

// NodeSessionLogs is the account's Session Manager preferences (the
// SSM-SessionManagerRunShell document of this account and region) set so
// that every shell session is audited: its data encrypted end to end with
// a customer key (kmsKeyId), and streamed as it happens, as JSON records
// naming who ran what where, to a log group encrypted with that key
// (cloudWatchEncryptionEnabled: SSM Agent refuses an unencrypted group)
// and kept RetentionDays, whose every event a subscription copies to the
// audit store. Port forwarding and SSH through Session Manager are not
// logged by Session Manager (their data is opaque to it): docs/runbook.md
// says how to keep operators to shell sessions.
//
// SSM Agent on the instance writes the log with the instance's role: the
// nodes need AmazonSSMManagedInstanceCore, the group's
// logs:CreateLogStream, PutLogEvents and DescribeLogStreams,
// logs:DescribeLogGroups, and kms:Decrypt on Key (cluster.NodeSessions).
type NodeSessionLogs struct {
	constructs.Construct
	// Key encrypts session data and the log group.
	Key awskms.Key
	// LogGroup holds the sessions, one log stream each.
	LogGroup awslogs.LogGroup
	// Document is the account's Session Manager preferences.
	Document awsssm.CfnDocument
	// Subscription copies the group to the archive.
	Subscription awslogs.CfnSubscriptionFilter
	// KeyArnParameter publishes Key's ARN.
	KeyArnParameter awsssm.StringParameter
}

// NewNodeSessionLogs provisions the preferences, their key and log group;
// it panics on invalid props.
func NewNodeSessionLogs(scope constructs.Construct, id string, p NodeSessionLogsProps) *NodeSessionLogs {
	if p.RetentionDays == 0 {
		p.RetentionDays = spec.DefaultNodeSessionLogRetentionDays
	}
	if p.IdleSessionTimeoutMinutes == 0 {
		p.IdleSessionTimeoutMinutes = 20
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	s := &NodeSessionLogs{Construct: self}

	s.Key = encryption.NewKey(self, "Key", encryption.KeyProps{
		Description:   "Encrypts Session Manager session data and the session log " + p.LogGroupName,
		RemovalPolicy: p.RemovalPolicy,
	})
	encryption.AllowCloudWatchLogs(s.Key, p.LogGroupName)
	s.LogGroup = awslogs.NewLogGroup(self, jsii.String("LogGroup"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(p.LogGroupName),
		Retention:     logging.Retention(p.RetentionDays),
		EncryptionKey: s.Key,
		RemovalPolicy: p.RemovalPolicy,
	})
	s.Subscription = awslogs.NewCfnSubscriptionFilter(self, jsii.String("AuditArchive"), &awslogs.CfnSubscriptionFilterProps{
		LogGroupName:   s.LogGroup.LogGroupName(),
		FilterPattern:  jsii.String(""),
		DestinationArn: p.Archive.Arn,
		RoleArn:        p.Archive.SubscriptionRole.RoleArn(),
	})
	// CloudWatch Logs tests the destination when the filter is created:
	// the role's policy must be in place by then.
	s.Subscription.Node().AddDependency(s.LogGroup, p.Archive.SubscriptionRole)

	s.Document = awsssm.NewCfnDocument(self, jsii.String("Preferences"), &awsssm.CfnDocumentProps{
		Name:           jsii.String(SessionPreferencesDocument),
		DocumentType:   jsii.String("Session"),
		DocumentFormat: jsii.String("JSON"),
		// The name is fixed (one per account): a change of content must be
		// a new version of the same document, never a replacement, which
		// would create a second document of the name and fail.
		UpdateMethod: jsii.String("NewVersion"),
		Content:      sessionPreferences(p, s.Key.KeyId()),
	})
	// The group is named as text, so that a review reads it; it must
	// exist before a session is logged to it.
	s.Document.Node().AddDependency(s.LogGroup)

	s.KeyArnParameter = awsssm.NewStringParameter(self, jsii.String("KeyArnParameter"), &awsssm.StringParameterProps{
		ParameterName: jsii.String(p.KeyArnParameter),
		StringValue:   s.Key.KeyArn(),
		Description:   jsii.String("The KMS key of Session Manager sessions: node roles may decrypt with it (kms:Decrypt), operators encrypt with it (kms:GenerateDataKey)"),
	})
	return s
}

// sessionPreferences is the Standard_Stream session document of the
// preferences (Session Manager's "Session document schema"): no S3 copy,
// CloudWatch Logs streaming to an encrypted group only, session data
// encrypted with keyID, no Run As (sessions run as ssm-user, whose sudo
// is logged like any other command), no shell profile.
func sessionPreferences(p NodeSessionLogsProps, keyID *string) map[string]any {
	return map[string]any{
		"schemaVersion": "1.0",
		"description":   "Session Manager preferences: every session encrypted with its KMS key and streamed to " + p.LogGroupName,
		"sessionType":   "Standard_Stream",
		"inputs": map[string]any{
			"s3BucketName":                "",
			"s3KeyPrefix":                 "",
			"s3EncryptionEnabled":         true,
			"cloudWatchLogGroupName":      p.LogGroupName,
			"cloudWatchEncryptionEnabled": true,
			"cloudWatchStreamingEnabled":  true,
			"kmsKeyId":                    keyID,
			"runAsEnabled":                false,
			"runAsDefaultUser":            "",
			"idleSessionTimeout":          strconv.Itoa(p.IdleSessionTimeoutMinutes),
			"maxSessionDuration":          "",
			"shellProfile":                map[string]any{"windows": "", "linux": ""},
		},
	}
}
