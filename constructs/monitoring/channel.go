// Package monitoring provisions what tells the on-call engineer that
// something broke: synthetic canaries, alarms, and their route to Slack.
package monitoring

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awschatbot"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawsevents"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/spec"
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
	// AlarmNamePrefix narrows the CloudWatch alarms that may publish to the
	// topic to those of the stack's account and region whose names start
	// with it. CloudFormation names an alarm <stack name>-<logical id>-<id>,
	// so the prefix of the env's stack names admits every alarm of the env,
	// the services stacks' included.
	// @default "" - every alarm of the account and region
	AlarmNamePrefix string
}

// Validate reports every problem with the props.
func (p AlarmChannelProps) Validate() error {
	var errs []error
	if p.Name == "" {
		errs = append(errs, errors.New("name: required"))
	}
	if !spec.IsSlackWorkspaceID(p.SlackWorkspaceID) {
		errs = append(errs, fmt.Errorf("slackWorkspaceId: must be a Slack workspace id such as T01234567, got %q", p.SlackWorkspaceID))
	}
	if !spec.IsSlackChannelID(p.SlackChannelID) {
		errs = append(errs, fmt.Errorf("slackChannelId: must be a Slack channel id such as C01234567, got %q", p.SlackChannelID))
	}
	if strings.ContainsAny(p.AlarmNamePrefix, "*?") {
		errs = append(errs, fmt.Errorf("alarmNamePrefix: must be a plain prefix, without * or ?, got %q", p.AlarmNamePrefix))
	}
	return errors.Join(errs...)
}

// AlarmChannel is where every alarm goes: an SNS topic encrypted with a
// rotating customer key, TLS-only, delivered to a Slack channel through AWS
// Chatbot with read-only permissions.
//
// Only the env's own alarms and EventBridge rules publish to it (no
// confused deputy: an AWS service publishing for another account's alarm or
// rule is refused). The topic policy and the key policy each hold one
// statement per service principal, with these conditions:
//
//   - cloudwatch.amazonaws.com, topic and key: aws:SourceAccount is the
//     stack's account and aws:SourceArn an alarm of that account and region
//     whose name starts with AlarmNamePrefix; the key also only for this
//     topic (kms:EncryptionContext:aws:sns:topicArn).
//   - events.amazonaws.com, topic (one statement per rule, AddRule):
//     aws:SourceAccount and aws:SourceArn (the rule), as IfExists
//     conditions. EventBridge documents that it does not support Condition
//     blocks in SNS topic policies: a plain condition could refuse every
//     event, IfExists refuses another account's rule whenever EventBridge
//     sends the keys and never the env's own rule.
//   - events.amazonaws.com, key: only for this topic
//     (kms:EncryptionContext:aws:sns:topicArn). SNS documents that
//     aws:SourceAccount and aws:SourceArn are not supported in a key policy
//     for EventBridge-to-encrypted-topic delivery; the topic policy above
//     already decides whose events are published.
type AlarmChannel struct {
	constructs.Construct
	Topic awssns.Topic
	// Action sends an alarm (and its recovery) to the channel.
	Action awscloudwatch.IAlarmAction
	key    awskms.Key
	// topicArn is the topic's ARN as a string the key policy can hold (the
	// topic's own ARN would make the key depend on the topic it encrypts).
	topicArn *string
	rules    int
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
	stack := awscdk.Stack_Of(self)
	topicName := props.Name + "-alarms"
	c.topicArn = stack.FormatArn(&awscdk.ArnComponents{Service: jsii.String("sns"), Resource: jsii.String(topicName)})
	alarms := stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("cloudwatch"), Resource: jsii.String("alarm"),
		ResourceName: jsii.String(props.AlarmNamePrefix + "*"), ArnFormat: awscdk.ArnFormat_COLON_RESOURCE_NAME,
	})
	fromAlarms := map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
		"ArnLike":      map[string]any{"aws:SourceArn": alarms},
	}
	c.key = encryption.NewKey(self, "Key", encryption.KeyProps{
		Description:   "Encrypts the alarm topic " + props.Name,
		RemovalPolicy: props.RemovalPolicy,
	})
	// CloudWatch alarms publish to an encrypted topic only if the key lets them.
	c.key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarms"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account(), "kms:EncryptionContext:aws:sns:topicArn": c.topicArn},
			"ArnLike":      map[string]any{"aws:SourceArn": alarms},
		},
	}), nil)
	c.Topic = awssns.NewTopic(self, jsii.String("Topic"), &awssns.TopicProps{
		TopicName:   jsii.String(topicName),
		DisplayName: jsii.String(props.Name + " alarms"),
		MasterKey:   c.key,
		EnforceSSL:  jsii.Bool(true),
	})
	// The topic policy replaces SNS's default one, which let the account's
	// alarms publish: CloudWatch needs its own statement.
	c.Topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarms"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  jsii.Strings(*c.Topic.TopicArn()),
		Conditions: &fromAlarms,
	}))
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
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "The Chatbot role's inline policy is the least-privilege notification read CDK generates for it."},
	)
	return c
}

// AddRule sends rule's events to the channel as message, and lets
// EventBridge publish them: for this rule only in the topic policy, for
// this topic only in the key policy (see AlarmChannel). Unlike
// awseventstargets.SnsTopic, which grants EventBridge the topic and the key
// for every rule of every account.
func (c *AlarmChannel) AddRule(rule awsevents.Rule, message awsevents.RuleTargetInput) {
	c.rules++
	stack := awscdk.Stack_Of(c.Construct)
	if c.rules == 1 {
		c.key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("AllowEventBridgeRules"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil)},
			Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
			Resources:  jsii.Strings("*"),
			Conditions: &map[string]any{"StringEquals": map[string]any{"kms:EncryptionContext:aws:sns:topicArn": c.topicArn}},
		}), nil)
	}
	c.Topic.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String(fmt.Sprintf("AllowEventBridgeRule%d", c.rules)),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil)},
		Actions:    jsii.Strings("sns:Publish"),
		Resources:  jsii.Strings(*c.Topic.TopicArn()),
		Conditions: &map[string]any{
			"StringEqualsIfExists": map[string]any{"aws:SourceAccount": stack.Account()},
			"ArnLikeIfExists":      map[string]any{"aws:SourceArn": ruleArn(stack, rule)},
		},
	}))
	rule.AddTarget(&topicTarget{topic: c.Topic, message: message})
}

// ruleArn is rule's ARN as the topic's stack may hold it: the rule's own
// ARN in the same stack; in another stack (whose rule ARN the topic's stack
// cannot import, since that stack imports the topic), the ARN of its name,
// or of every name CloudFormation generates for that stack's rules
// (<stack name>-*).
func ruleArn(topicStack awscdk.Stack, rule awsevents.Rule) *string {
	ruleStack := awscdk.Stack_Of(rule)
	if *ruleStack.Node().Path() == *topicStack.Node().Path() {
		return rule.RuleArn()
	}
	name := *ruleStack.StackName() + "-*"
	if n := rule.Node().DefaultChild().(awsevents.CfnRule).Name(); n != nil && !*awscdk.Token_IsUnresolved(n) {
		name = *n
	}
	return topicStack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("events"), Resource: jsii.String("rule"), ResourceName: jsii.String(name),
		Region: ruleStack.Region(), Account: ruleStack.Account(),
	})
}

// topicTarget is a rule target that publishes to the topic and grants
// nothing: AddRule writes the grants.
type topicTarget struct {
	topic   awssns.ITopic
	message awsevents.RuleTargetInput
}

func (t *topicTarget) Bind(_ interfacesawsevents.IRuleRef, _ *string) *awsevents.RuleTargetConfig {
	return &awsevents.RuleTargetConfig{Arn: t.topic.TopicArn(), Input: t.message, TargetResource: t.topic}
}
