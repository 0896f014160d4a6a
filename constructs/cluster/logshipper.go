package cluster

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

// The namespace and service account the amazon-cloudwatch-observability
// add-on runs Fluent Bit and the CloudWatch agent under.
const (
	observabilityNamespace      = "amazon-cloudwatch"
	observabilityServiceAccount = "cloudwatch-agent"
)

// containerInsightsLogGroup is the name of a Container Insights log group
// of a cluster, e.g. its "performance" group.
func containerInsightsLogGroup(cluster, name string) string {
	return fmt.Sprintf("/aws/containerinsights/%s/%s", cluster, name)
}

// LogShipperProps configures a LogShipper.
type LogShipperProps struct {
	// Routes say where each log line goes. Required.
	Routes LogRoutes
	// StreamArns are the Firehose streams of Routes, the only streams the
	// shipper may write to. Required.
	StreamArns []*string
	// PerformanceLogRetention keeps Container Insights' performance log
	// events, the raw records its metrics are extracted from.
	// @default awslogs.RetentionDays_ONE_WEEK
	PerformanceLogRetention awslogs.RetentionDays
}

// Validate reports every problem with the props.
func (p LogShipperProps) Validate() error {
	var errs []error
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

// AddLogShipper installs the shipper on c; it panics on invalid props or
// on a cluster without a physical name (its log groups are named by it).
func (c *Cluster) AddLogShipper(props LogShipperProps) *LogShipper {
	if props.PerformanceLogRetention == "" {
		props.PerformanceLogRetention = awslogs.RetentionDays_ONE_WEEK
	}
	err := props.Validate()
	if c.Name == "" || c.LogKey == nil {
		err = errors.Join(err, errors.New("the cluster needs a physical name: Container Insights names its log groups after it"))
	}
	if err != nil {
		panic(fmt.Errorf("%s/LogShipper: %w", *c.Node().Path(), err))
	}
	self := constructs.NewConstruct(c.Construct, jsii.String("LogShipper"))
	l := &LogShipper{Construct: self}
	l.PerformanceLogs = awslogs.NewLogGroup(self, jsii.String("PerformanceLogs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(containerInsightsLogGroup(c.Name, "performance")),
		Retention:     props.PerformanceLogRetention,
		EncryptionKey: c.LogKey,
		RemovalPolicy: c.removalPolicy,
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
	l.Role = c.newAddonRole(self, "Role", l.Addon, observabilityNamespace, observabilityServiceAccount, awsiam.RoleProps{
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
