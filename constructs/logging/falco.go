package logging

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// FalcoEventsTable is the Glue table over Falco's partition of the archive.
const FalcoEventsTable = "falco_events"

// FalcoEventColumns are the fields of Falco's JSON event (json_output, with
// the output, output_fields and tags properties), as the log shipper
// archives a line of the falco namespace: the event's fields at the top
// level (the kubernetes filter's Merge_Log), and what the shipper adds:
// the cluster, the log time and the pod's metadata. A line of Falco or
// Falcosidekick that is not an event (their own logs) has log set and no
// rule.
var FalcoEventColumns = []Column{
	{"time", "string"},
	{"rule", "string"},
	{"priority", "string"},
	{"output", "string"},
	{"output_fields", "map<string,string>"},
	{"source", "string"},
	{"tags", "array<string>"},
	{"hostname", "string"},
	{FieldCluster, "string"},
	{FieldLogTime, "string"},
	{"log", "string"},
	{"kubernetes", "struct<namespace_name:string,pod_name:string,container_name:string,container_image:string,host:string>"},
}

// FalcoAlertsProps configures FalcoAlerts.
type FalcoAlertsProps struct {
	// Alerting is the group Falcosidekick writes events to. Required.
	Alerting *AlertingLogGroup
	// MinPriority is the least severe priority Falcosidekick sends there,
	// one of spec.FalcoPriorities. Required.
	MinPriority string
	// Namespace is the CloudWatch namespace of the event count.
	// @default "Platform/Security"
	Namespace string
}

// Validate reports every problem with the props.
func (p FalcoAlertsProps) Validate() error {
	var errs []error
	if p.Alerting == nil {
		errs = append(errs, errors.New("alerting: required"))
	}
	if !slices.Contains(spec.FalcoPriorities, p.MinPriority) {
		errs = append(errs, fmt.Errorf("minPriority: must be one of %v, got %q", spec.FalcoPriorities, p.MinPriority))
	}
	if !namespace.MatchString(p.Namespace) || strings.HasPrefix(p.Namespace, "AWS/") {
		errs = append(errs, fmt.Errorf("namespace: must be a custom CloudWatch namespace (not AWS/...), got %q", p.Namespace))
	}
	return errors.Join(errs...)
}

// FalcoEventsMetricName is the count of Falco events in the alerting group.
const FalcoEventsMetricName = "FalcoEvents"

// FalcoEventsQueryName is the Logs Insights query of the alerting group's
// Falco events.
const FalcoEventsQueryName = "falco events, newest first"

// FalcoAlerts counts the Falco events Falcosidekick writes to the alerting
// log group (one metric filter, one env-wide count, for one alarm) and
// saves the Logs Insights query that reads them.
//
// An event is told from the lines the log shippers copy there by its
// shape: it has a rule and a priority at or above MinPriority and no
// service field, which the shippers set on every line they copy (the
// pod's namespace), so a service's line that happens to carry rule and
// priority fields is not counted as a Falco event, and a Falco event is
// not counted by the level filters (it has no level field).
type FalcoAlerts struct {
	constructs.Construct
	Filter awslogs.MetricFilter
	Query  awslogs.CfnQueryDefinition
	// Pattern is the filter pattern, as text.
	Pattern   string
	namespace string
}

// NewFalcoAlerts provisions the filter and the query on props.Alerting's
// group; it panics on invalid props.
func NewFalcoAlerts(scope constructs.Construct, id string, props FalcoAlertsProps) *FalcoAlerts {
	if props.Namespace == "" {
		props.Namespace = "Platform/Security"
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	f := &FalcoAlerts{Construct: self, namespace: props.Namespace, Pattern: falcoFilterPattern(props.MinPriority)}
	f.Filter = awslogs.NewMetricFilter(self, jsii.String("Count"), &awslogs.MetricFilterProps{
		LogGroup:        props.Alerting.LogGroup,
		FilterName:      jsii.String(fmt.Sprintf("Falco events at %s or above", props.MinPriority)),
		FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(f.Pattern)),
		MetricNamespace: jsii.String(props.Namespace),
		MetricName:      jsii.String(FalcoEventsMetricName),
		MetricValue:     jsii.String("1"),
		Unit:            awscloudwatch.Unit_COUNT,
	})
	f.Query = awslogs.NewCfnQueryDefinition(self, jsii.String("Events"), &awslogs.CfnQueryDefinitionProps{
		Name: jsii.String(FalcoEventsQueryName),
		QueryString: jsii.String(fmt.Sprintf("fields @timestamp, @logStream as stream, priority, rule, output\n| filter ispresent(rule) and not ispresent(%s)\n| sort @timestamp desc\n| limit 200",
			FieldService)),
		LogGroupNames: &[]any{props.Alerting.LogGroup.LogGroupName()},
	})
	return f
}

// falcoFilterPattern matches Falcosidekick's events at or above min, in
// CloudWatch Logs' JSON pattern syntax as aws-cdk-lib writes it.
func falcoFilterPattern(min string) string {
	var priorities []awslogs.JsonPattern
	for _, p := range spec.FalcoEventPriorities(min) {
		priorities = append(priorities, awslogs.FilterPattern_StringValue(jsii.String("$.priority"), jsii.String("="), jsii.String(p)))
	}
	return *awslogs.FilterPattern_All(
		awslogs.FilterPattern_Exists(jsii.String("$.rule")),
		awslogs.FilterPattern_NotExists(jsii.String("$."+FieldService)),
		awslogs.FilterPattern_Any(priorities...),
	).LogPatternString()
}

// Metric is the count of Falco events over 5 minutes.
func (f *FalcoAlerts) Metric() awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String(f.namespace),
		MetricName: jsii.String(FalcoEventsMetricName),
		Period:     awscdk.Duration_Minutes(jsii.Number(5)),
		Statistic:  jsii.String("Sum"),
		Unit:       awscloudwatch.Unit_COUNT,
	})
}
