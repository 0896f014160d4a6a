package logging

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// The fields of a structured log line that alerting reads. Services write
// level and service; the log shipper adds cluster to every line it ships.
const (
	FieldLevel   = "level"
	FieldService = "service"
	FieldCluster = "cluster"
)

// namespace is what CloudWatch takes as a custom metric namespace.
var namespace = regexp.MustCompile(`^[A-Za-z0-9._/#:-]{1,255}$`)

// AlertingLogGroupProps configures an AlertingLogGroup.
type AlertingLogGroupProps struct {
	// Name is the log group's name, e.g. /platform/prd/alerting. Required.
	Name string
	// Key encrypts the log group; its policy must let CloudWatch Logs use
	// it for this group. Required.
	Key awskms.IKey
	// Levels are the levels the shippers copy to the group; each is
	// counted by a metric filter. Required, a subset of spec.Levels.
	Levels []string
	// RetentionDays keeps lines this long, rounded up to a retention
	// CloudWatch Logs accepts. @default 90
	RetentionDays int
	// Namespace is the CloudWatch namespace of the line counts.
	// @default "Platform/Logs"
	Namespace string
	// RemovalPolicy applies to the log group. @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p AlertingLogGroupProps) Validate() error {
	var errs []error
	if !spec.IsLogGroupName(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be a log group name (1-512 of A-Za-z0-9 . - _ / #), got %q", p.Name))
	}
	if p.Key == nil {
		errs = append(errs, errors.New("key: required"))
	}
	if len(p.Levels) == 0 {
		errs = append(errs, fmt.Errorf("levels: at least one of %v", spec.Levels))
	}
	for i, l := range p.Levels {
		if !slices.Contains(spec.Levels, l) {
			errs = append(errs, fmt.Errorf("levels[%d]: must be one of %v, got %q", i, spec.Levels, l))
		}
		if slices.Index(p.Levels, l) != i {
			errs = append(errs, fmt.Errorf("levels[%d]: %s is listed twice", i, l))
		}
	}
	for _, l := range p.Levels {
		if n := len(filterPattern(l)); slices.Contains(spec.Levels, l) && n > MaxFilterPatternLength {
			errs = append(errs, fmt.Errorf("levels: the %s filter pattern is %d characters, CloudWatch Logs takes %d", l, n, MaxFilterPatternLength))
		}
	}
	if p.RetentionDays < 1 {
		errs = append(errs, fmt.Errorf("retentionDays: must be >= 1, got %d", p.RetentionDays))
	}
	if !namespace.MatchString(p.Namespace) || strings.HasPrefix(p.Namespace, "AWS/") {
		errs = append(errs, fmt.Errorf("namespace: must be a custom CloudWatch namespace (not AWS/...), got %q", p.Namespace))
	}
	return errors.Join(errs...)
}

// MaxFilterPatternLength is the longest filter pattern CloudWatch Logs
// takes.
const MaxFilterPatternLength = 1024

// term is one comparison of a JSON filter pattern.
func term(field, value string) string { return fmt.Sprintf("($.%s = %q)", field, value) }

// filterPattern matches the lines of level, in any of its spellings. It
// names no service: the Service dimension comes from each line's service
// field, its pod's namespace, which the platform alone creates; so the
// filter's dimensions stay bounded (CloudWatch Logs disables a filter past
// 1,000 dimension pairs an hour) and adding a service changes no filter.
func filterPattern(level string) string {
	var levels []string
	for _, s := range spec.LevelSpellings(level) {
		levels = append(levels, term(FieldLevel, s))
	}
	return "{ " + strings.Join(levels, " || ") + " }"
}

// ErrorLevels are the levels the errors queries count: ERROR and worse.
var ErrorLevels = []string{"ERROR", "FATAL"}

// errorsQuery is the Logs Insights query of the errors per service and
// cluster, over the levels of ErrorLevels the group holds; "" when it
// holds none of them.
func errorsQuery(levels []string) string {
	var spellings []string
	for _, l := range ErrorLevels {
		if slices.Contains(levels, l) {
			for _, s := range spec.LevelSpellings(l) {
				spellings = append(spellings, strconv.Quote(s))
			}
		}
	}
	if len(spellings) == 0 {
		return ""
	}
	return fmt.Sprintf("filter %s in [%s]\n| stats count(*) as errors by %s, %s\n| sort errors desc",
		FieldLevel, strings.Join(spellings, ", "), FieldService, FieldCluster)
}

// ErrorsQueryName is the name of the alerting group's Logs Insights query
// of the errors per service and cluster.
const ErrorsQueryName = "errors per service and cluster"

// AlertingLogGroup is the CloudWatch Logs group that log shippers copy the
// lines worth alerting on to (every line also goes to the archive through
// Firehose): encrypted with a customer key, retained for a bounded time,
// and counted per level by one metric filter whose dimensions are the
// cluster and the service of each line, so that one alarm watches one
// service on one cluster, such as a canary cluster. A Logs Insights query
// definition counts the errors per service and cluster (which service is
// failing now, and whether only on the canary cluster): the archive's
// app_logs table cannot answer that across services.
type AlertingLogGroup struct {
	constructs.Construct
	LogGroup awslogs.LogGroup
	// Name is the log group's name, as text (for shippers' configuration
	// and alarm descriptions, which must not import a token).
	Name string
	// Filters are the metric filters by level.
	Filters map[string]awslogs.MetricFilter
	// ErrorsQuery counts ERROR and FATAL lines per service and cluster;
	// nil when the group holds neither level.
	ErrorsQuery awslogs.CfnQueryDefinition
	namespace   string
}

// NewAlertingLogGroup provisions the group and its filters; it panics on
// invalid props.
func NewAlertingLogGroup(scope constructs.Construct, id string, props AlertingLogGroupProps) *AlertingLogGroup {
	if props.RetentionDays == 0 {
		props.RetentionDays = spec.DefaultAlertingLogRetentionDays
	}
	if props.Namespace == "" {
		props.Namespace = "Platform/Logs"
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	g := &AlertingLogGroup{Construct: self, Name: props.Name, Filters: map[string]awslogs.MetricFilter{}, namespace: props.Namespace}
	g.LogGroup = awslogs.NewLogGroup(self, jsii.String("Resource"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(props.Name),
		Retention:     Retention(props.RetentionDays),
		EncryptionKey: props.Key,
		RemovalPolicy: props.RemovalPolicy,
	})
	for _, level := range props.Levels {
		// The id and name the filter had when it listed services: the
		// deployed filter is updated in place, not replaced.
		g.Filters[level] = awslogs.NewMetricFilter(self, jsii.String("Count"+level), &awslogs.MetricFilterProps{
			LogGroup:        g.LogGroup,
			FilterName:      jsii.String(level + " lines per cluster and service"),
			FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(filterPattern(level))),
			MetricNamespace: jsii.String(props.Namespace),
			MetricName:      jsii.String(level),
			MetricValue:     jsii.String("1"),
			Unit:            awscloudwatch.Unit_COUNT,
			Dimensions: &map[string]*string{
				"Cluster": jsii.String("$." + FieldCluster),
				"Service": jsii.String("$." + FieldService),
			},
		})
	}
	if q := errorsQuery(props.Levels); q != "" {
		g.ErrorsQuery = awslogs.NewCfnQueryDefinition(self, jsii.String("ErrorsPerService"), &awslogs.CfnQueryDefinitionProps{
			Name:          jsii.String(ErrorsQueryName),
			QueryString:   jsii.String(q),
			LogGroupNames: &[]any{g.LogGroup.LogGroupName()},
		})
	}
	return g
}

// Metric is the count of level lines that service logged on cluster, summed
// over 5 minutes: what a log alarm watches.
func (g *AlertingLogGroup) Metric(cluster, service, level string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(g.namespace),
		MetricName:    jsii.String(level),
		DimensionsMap: &map[string]*string{"Cluster": jsii.String(cluster), "Service": jsii.String(service)},
		Period:        awscdk.Duration_Minutes(jsii.Number(5)),
		Statistic:     jsii.String("Sum"),
		Unit:          awscloudwatch.Unit_COUNT,
	})
}
