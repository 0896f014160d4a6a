package cluster

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// SessionManagerPolicy is the AWS managed policy that makes an EC2
// instance a Systems Manager managed instance: SSM Agent registers it and
// opens Session Manager's channels (ssm, ssmmessages, ec2messages).
const SessionManagerPolicy = "AmazonSSMManagedInstanceCore"

// NodeSessions lets Session Manager reach a cluster's nodes, every session
// logged where the account's preferences say (audit.NodeSessionLogs). SSM
// Agent writes that log with the node's role. AL2023 EKS AMIs run SSM
// Agent on the host; Bottlerocket runs it in its control container, which
// is on unless the node's settings turn it off (the platform writes no
// Bottlerocket settings).
type NodeSessions struct {
	// LogGroupName is the group the preferences stream sessions to.
	// Required.
	LogGroupName string
	// KeyArnParameter is the SSM parameter holding the ARN of the KMS key
	// session data is encrypted with, read when the cluster's stack
	// deploys: not an export, which would pin the key's stack while this
	// one imports it. Required.
	KeyArnParameter string
}

// Validate reports every problem with the props.
func (s NodeSessions) Validate() error {
	var errs []error
	if !spec.IsLogGroupName(s.LogGroupName) {
		errs = append(errs, fmt.Errorf("logGroupName: must be a log group name (1-512 of A-Za-z0-9 . - _ / #), got %q", s.LogGroupName))
	}
	if !spec.IsParameterPath(s.KeyArnParameter) {
		errs = append(errs, fmt.Errorf("keyArnParameter: must be an SSM parameter path such as /platform/prd/node-sessions/key-arn, got %q", s.KeyArnParameter))
	}
	return errors.Join(errs...)
}

// newNodeSessionPolicy is what SSM Agent needs beyond
// SessionManagerPolicy to log a session as the preferences ask (Session
// Manager User Guide, "Create a custom IAM role for Session Manager"):
// write the session's log stream in the group, find the group and check
// it is encrypted (cloudWatchEncryptionEnabled: the agent refuses an
// unencrypted one), and decrypt the session's data with its key. One
// policy per cluster, attached to every node group's role.
func (c *Cluster) newNodeSessionPolicy(s NodeSessions) awsiam.ManagedPolicy {
	stack := awscdk.Stack_Of(c.Construct)
	group := fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", *stack.Partition(), *stack.Region(), *stack.Account(), s.LogGroupName)
	keyArn := awsssm.StringParameter_ValueForStringParameter(c.Construct, jsii.String(s.KeyArnParameter), nil)
	p := awsiam.NewManagedPolicy(c.Construct, jsii.String("NodeSessionPolicy"), &awsiam.ManagedPolicyProps{
		Description: jsii.String(fmt.Sprintf("SSM Agent on the nodes of %s logs Session Manager sessions to %s", *c.Node().Path(), s.LogGroupName)),
		Statements: &[]awsiam.PolicyStatement{
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("WriteSessionLog"),
				Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
				Resources: jsii.Strings(group, group+":*"),
			}),
			// A list call: it names no log group.
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("FindSessionLogGroup"),
				Actions:   jsii.Strings("logs:DescribeLogGroups"),
				Resources: jsii.Strings("*"),
			}),
			awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("DecryptSessionData"),
				Actions:   jsii.Strings("kms:Decrypt"),
				Resources: &[]*string{keyArn},
			}),
		},
	})
	suppressNodeSessionPolicy(p, s.LogGroupName)
	return p
}
