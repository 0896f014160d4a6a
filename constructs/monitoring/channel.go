// Package monitoring provisions what tells the on-call engineer that
// something broke: synthetic canaries, alarms, and their route to Slack.
package monitoring

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awschatbot"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/encryption"
)

var (
	slackWorkspace = regexp.MustCompile(`^[0-9A-Z]{1,255}$`)
	slackChannel   = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
)

// AlarmChannelProps configures an AlarmChannel.
type AlarmChannelProps struct {
	// Name prefixes the topic and the Chatbot configuration. Required.
	Name string
	// SlackWorkspaceID is the workspace (team) id authorized in AWS
	// Chatbot once by hand, e.g. T01234567. Required.
	SlackWorkspaceID string
	// SlackChannelID is the channel id, e.g. C01234567. Required.
	SlackChannelID string
	// RemovalPolicy applies to the topic's key. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p AlarmChannelProps) Validate() error {
	var errs []error
	if p.Name == "" {
		errs = append(errs, errors.New("name: required"))
	}
	if !slackWorkspace.MatchString(p.SlackWorkspaceID) {
		errs = append(errs, fmt.Errorf("slackWorkspaceId: must be a Slack workspace id such as T01234567, got %q", p.SlackWorkspaceID))
	}
	if !slackChannel.MatchString(p.SlackChannelID) {
		errs = append(errs, fmt.Errorf("slackChannelId: must be a Slack channel id such as C01234567, got %q", p.SlackChannelID))
	}
	return errors.Join(errs...)
}

// AlarmChannel is where every alarm goes: an SNS topic encrypted with a
// rotating customer key (that CloudWatch may use), TLS-only, delivered to a
// Slack channel through AWS Chatbot with read-only permissions.
type AlarmChannel struct {
	constructs.Construct
	Topic awssns.Topic
	// Action sends an alarm (and its recovery) to the channel.
	Action awscloudwatch.IAlarmAction
}

// NewAlarmChannel provisions the channel; it panics on invalid props.
func NewAlarmChannel(scope constructs.Construct, id string, props AlarmChannelProps) *AlarmChannel {
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	c := &AlarmChannel{Construct: self}
	key := encryption.NewKey(self, "Key", encryption.KeyProps{
		Description:   "Encrypts the alarm topic " + props.Name,
		RemovalPolicy: props.RemovalPolicy,
	})
	// CloudWatch alarms publish to an encrypted topic only if the key lets them.
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarms"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
	}), nil)
	c.Topic = awssns.NewTopic(self, jsii.String("Topic"), &awssns.TopicProps{
		TopicName:   jsii.String(props.Name + "-alarms"),
		DisplayName: jsii.String(props.Name + " alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	awschatbot.NewSlackChannelConfiguration(self, jsii.String("Slack"), &awschatbot.SlackChannelConfigurationProps{
		SlackChannelConfigurationName: jsii.String(props.Name + "-alarms"),
		SlackWorkspaceId:              jsii.String(props.SlackWorkspaceID),
		SlackChannelId:                jsii.String(props.SlackChannelID),
		NotificationTopics:            &[]awssns.ITopic{c.Topic},
		// What the channel's members may do through Chatbot: read only.
		GuardrailPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("ReadOnlyAccess"))},
		LoggingLevel:      awschatbot.LoggingLevel_ERROR,
	})
	c.Action = awscloudwatchactions.NewSnsAction(c.Topic)
	compliance.Suppress(self,
		compliance.Suppression{Rule: "AwsSolutions-IAM4", Reason: "ReadOnlyAccess is the documented Chatbot guardrail: channel members may read, never change, the account.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess"}},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "The Chatbot role's inline policy is the least-privilege notification read CDK generates for it."},
	)
	return c
}
