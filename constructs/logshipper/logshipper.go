// Package logshipper ships a cluster's logs: the
// amazon-cloudwatch-observability add-on, whose Fluent Bit files route each
// line (fluentbit.go) to the alerting log group and to the archive.
package logshipper

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/spec"
)

// LogShipperProps configures a LogShipper.
type LogShipperProps struct {
	// Cluster is the cluster whose nodes the shipper runs on; its physical
	// name names Container Insights' log groups. Required.
	Cluster *cluster.Cluster
	// LogKey encrypts Container Insights' performance log group; its policy
	// must let CloudWatch Logs use it for that group (the cluster's log key
	// does). Required.
	LogKey awskms.IKey
	// RemovalPolicy of the performance log group.
	// @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
	// Routes say where each log line goes. Required.
	Routes LogRoutes
	// StreamArns are the Firehose streams of Routes, the only streams the
	// shipper may write to. Required.
	StreamArns []*string
	// PerformanceLogRetention keeps Container Insights' performance log
	// events, the raw records its metrics are extracted from.
	// @default spec.DefaultPerformanceLogRetentionDays
	PerformanceLogRetention awslogs.RetentionDays
}

// Validate reports every problem with the props.
func (p LogShipperProps) Validate() error {
	var errs []error
	if p.Cluster == nil || p.Cluster.Name == "" {
		errs = append(errs, errors.New("cluster: required, with a physical name: Container Insights names its log groups after it"))
	}
	if p.LogKey == nil {
		errs = append(errs, errors.New("logKey: required"))
	}
	if err := p.Routes.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("routes: %w", err))
	}
	if len(p.StreamArns) == 0 {
		errs = append(errs, errors.New("streamArns: required"))
	}
	return errors.Join(errs...)
}

// LogShipper is a cluster's log shipper and metrics agent: the
// amazon-cloudwatch-observability managed add-on (the CloudWatch agent for
// Container Insights metrics, and Fluent Bit on every node), pinned, its
// IAM through EKS Pod Identity, with Fluent Bit's files replaced so that
// lines go where LogRoutes says: alerting lines to CloudWatch Logs, all
// lines to the archive through Firehose. Container Insights' own log group
// is created here, encrypted and with a retention, before the agent would
// create it unmanaged.
type LogShipper struct {
	constructs.Construct
	Addon awseksv2.Addon
	Role  awsiam.Role
	// PerformanceLogs holds Container Insights' performance events.
	PerformanceLogs awslogs.LogGroup
}

// NewLogShipper installs the shipper on props.Cluster; it panics on
// invalid props. The stacks give the cluster construct as scope and
// "LogShipper" as id: the shipper's resources keep the logical ids they had
// when it was part of the cluster construct.
func NewLogShipper(scope constructs.Construct, id string, props LogShipperProps) *LogShipper {
	if props.PerformanceLogRetention == "" {
		props.PerformanceLogRetention = logging.Retention(spec.DefaultPerformanceLogRetentionDays)
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	c := props.Cluster
	self := constructs.NewConstruct(scope, jsii.String(id))
	l := &LogShipper{Construct: self}
	l.PerformanceLogs = awslogs.NewLogGroup(self, jsii.String("PerformanceLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(spec.ContainerInsightsLogGroup(c.Name, "performance")),
		Retention:     props.PerformanceLogRetention,
		EncryptionKey: props.LogKey,
		RemovalPolicy: props.RemovalPolicy,
	})
	version := c.AddonVersion(spec.AddonCloudWatchObservability)
	l.Addon = awseksv2.NewAddon(self, jsii.String("Addon"), &awseksv2.AddonProps{
		Cluster:      c.Cluster,
		AddonName:    jsii.String(spec.AddonCloudWatchObservability),
		AddonVersion: jsii.String(version),
		ConfigurationValues: &map[string]any{
			"containerLogs": map[string]any{
				"enabled": true,
				"fluentBit": map[string]any{"config": map[string]any{
					"extraFiles": props.Routes.FluentBitFiles(),
				}},
			},
		},
	})
	l.Role = c.NewAddonRole(self, "Role", l.Addon, spec.ObservabilityNamespace, spec.ObservabilityServiceAccount, awsiam.RoleProps{
		Description: jsii.String(fmt.Sprintf("CloudWatch agent and Fluent Bit of EKS cluster %s, through EKS Pod Identity", c.Name)),
		// The policy AWS documents for the add-on: metrics, EC2 tags, and
		// CloudWatch Logs (any group of the account: the agent's
		// performance group and Fluent Bit's alerting streams among them).
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("CloudWatchAgentServerPolicy"))},
	})
	l.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ShipToArchive"),
		Actions:   jsii.Strings("firehose:PutRecordBatch", "firehose:PutRecord"),
		Resources: &props.StreamArns,
	}))
	// The agent must find its log group ours.
	l.Addon.Node().AddDependency(l.PerformanceLogs)
	compliance.Suppress(self,
		compliance.Suppression{Rule: "AwsSolutions-IAM4", Reason: "CloudWatchAgentServerPolicy is the policy AWS documents for the CloudWatch observability add-on; AWS extends it as the agent gains metrics.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/CloudWatchAgentServerPolicy"}},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "The inline policy grants this role alone PutRecord on the environment's two log streams; a managed policy could be attached to roles that must not write there."},
	)
	return l
}
