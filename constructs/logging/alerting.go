package logging

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The fields of a structured log line that alerting reads. Services write
// level and service; the log shipper adds cluster to every line it ships.
const (
	FieldLevel   = "level"
	FieldService = "service"
	FieldCluster = "cluster"
)

// levelTable is the one table of the log levels that may alert, least
// severe first, with the names logging libraries give them: WARN and FATAL
// (log4j, logback, zap), WARNING and CRITICAL (Python), Warning and Fatal
// (Serilog, the .NET services). Each name counts in upper, lower and title
// case.
var levelTable = []struct {
	level string
	names []string
}{
	{"WARN", []string{"WARN", "WARNING"}},
	{"ERROR", []string{"ERROR"}},
	{"FATAL", []string{"FATAL", "CRITICAL"}},
}

// Levels are the log levels that may alert, least severe first.
var Levels = func() []string {
	out := make([]string, len(levelTable))
	for i, l := range levelTable {
		out[i] = l.level
	}
	return out
}()

// LevelSpellings are the values of the level field that count as level
// (for ERROR: ERROR, error, Error). The shipper's routing and the metric
// filters both match exactly these; an unknown level has none.
func LevelSpellings(level string) []string {
	var out []string
	for _, l := range levelTable {
		if l.level != level {
			continue
		}
		for _, n := range l.names {
			lower := strings.ToLower(n)
			out = append(out, strings.ToUpper(n), lower, strings.ToUpper(lower[:1])+lower[1:])
		}
	}
	return out
}

var (
	logGroupName = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]{1,512}$`)
	namespace    = regexp.MustCompile(`^[A-Za-z0-9._/#:-]{1,255}$`)
)

// AlertingLogGroupProps configures an AlertingLogGroup.
type AlertingLogGroupProps struct {
	// Name is the log group's name, e.g. /platform/prd/alerting. Required.
	Name string
	// Key encrypts the log group; its policy must let CloudWatch Logs use
	// it for this group. Required.
	Key awskms.IKey
	// Levels are the levels the shippers copy to the group; each is
	// counted by a metric filter. Required, a subset of Levels.
	Levels []string
	// Services are the only services counted: the filters' Service
	// dimension stays bounded (CloudWatch Logs disables a metric filter
	// that makes over 1,000 dimension pairs in an hour). Required.
	Services []string
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
	if !logGroupName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be a log group name (1-512 of A-Za-z0-9 . - _ / #), got %q", p.Name))
	}
	if p.Key == nil {
		errs = append(errs, errors.New("key: required"))
	}
	if len(p.Levels) == 0 {
		errs = append(errs, fmt.Errorf("levels: at least one of %v", Levels))
	}
	for i, l := range p.Levels {
		if !slices.Contains(Levels, l) {
			errs = append(errs, fmt.Errorf("levels[%d]: must be one of %v, got %q", i, Levels, l))
		}
		if slices.Index(p.Levels, l) != i {
			errs = append(errs, fmt.Errorf("levels[%d]: %s is listed twice", i, l))
		}
	}
	if len(p.Services) == 0 {
		errs = append(errs, errors.New("services: at least one"))
	}
	for _, s := range p.Services {
		if !serviceValue.MatchString(s) {
			errs = append(errs, fmt.Errorf("services: %q cannot be matched in a filter pattern (letters, digits, . _ - only)", s))
		}
	}
	if n := p.filterCount(); n > MaxMetricFiltersPerLogGroup {
		errs = append(errs, fmt.Errorf("services: %d services over %d levels need %d metric filters, CloudWatch Logs takes %d per log group: alert on fewer levels or services", len(p.Services), len(p.Levels), n, MaxMetricFiltersPerLogGroup))
	}
	if p.RetentionDays < 1 {
		errs = append(errs, fmt.Errorf("retentionDays: must be >= 1, got %d", p.RetentionDays))
	}
	if !namespace.MatchString(p.Namespace) || strings.HasPrefix(p.Namespace, "AWS/") {
		errs = append(errs, fmt.Errorf("namespace: must be a custom CloudWatch namespace (not AWS/...), got %q", p.Namespace))
	}
	return errors.Join(errs...)
}

// CloudWatch Logs' limits on metric filters.
const (
	// MaxFilterPatternLength is the longest filter pattern it takes.
	MaxFilterPatternLength = 1024
	// MaxMetricFiltersPerLogGroup is how many filters one log group takes.
	MaxMetricFiltersPerLogGroup = 100
)

// serviceValue is what a service name may hold to sit unescaped in a
// filter pattern's quoted string.
var serviceValue = regexp.MustCompile(`^[A-Za-z0-9._-]{1,255}$`)

// term is one comparison of a JSON filter pattern.
func term(field, value string) string { return fmt.Sprintf("($.%s = %q)", field, value) }

// filterPatterns match the lines of level from one of the services. One
// pattern holds at most MaxFilterPatternLength characters, so the services
// are split, in their order, over as many patterns as needed: each line
// matches exactly one of them (a service is in one part only), so the
// parts together count each line once.
func (p AlertingLogGroupProps) filterPatterns(level string) []string {
	var levels []string
	for _, s := range LevelSpellings(level) {
		levels = append(levels, term(FieldLevel, s))
	}
	render := func(services []string) string {
		return fmt.Sprintf("{ (%s) && (%s) }", strings.Join(levels, " || "), strings.Join(services, " || "))
	}
	var out []string
	var part []string
	for _, s := range p.Services {
		t := term(FieldService, s)
		if len(part) > 0 && len(render(append(part, t))) > MaxFilterPatternLength {
			out = append(out, render(part))
			part = nil
		}
		part = append(part, t)
	}
	if len(part) > 0 {
		out = append(out, render(part))
	}
	return out
}

// filterCount is how many metric filters the levels and services need.
func (p AlertingLogGroupProps) filterCount() int {
	n := 0
	for _, level := range p.Levels {
		if slices.Contains(Levels, level) {
			n += len(p.filterPatterns(level))
		}
	}
	return n
}

// AlertingLogGroup is the CloudWatch Logs group that log shippers copy the
// lines worth alerting on to (every line also goes to the archive through
// Firehose): encrypted with a customer key, retained for a bounded time,
// and counted per level by metric filters whose dimensions are the
// cluster and the service of each line, so that one alarm watches one
// service on one cluster, such as a canary cluster.
type AlertingLogGroup struct {
	constructs.Construct
	LogGroup awslogs.LogGroup
	// Name is the log group's name, as text (for shippers' configuration
	// and alarm descriptions, which must not import a token).
	Name string
	// Filters are the metric filters by level: one per part of the
	// services, each part's pattern within CloudWatch Logs' length limit.
	Filters   map[string][]awslogs.MetricFilter
	namespace string
}

// NewAlertingLogGroup provisions the group and its filters; it panics on
// invalid props.
func NewAlertingLogGroup(scope constructs.Construct, id string, props AlertingLogGroupProps) *AlertingLogGroup {
	if props.RetentionDays == 0 {
		props.RetentionDays = 90
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
	g := &AlertingLogGroup{Construct: self, Name: props.Name, Filters: map[string][]awslogs.MetricFilter{}, namespace: props.Namespace}
	g.LogGroup = awslogs.NewLogGroup(self, jsii.String("Resource"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(props.Name),
		Retention:     Retention(props.RetentionDays),
		EncryptionKey: props.Key,
		RemovalPolicy: props.RemovalPolicy,
	})
	for _, level := range props.Levels {
		for i, pattern := range props.filterPatterns(level) {
			// The first part keeps the id and name a single filter had, so
			// growing past one part adds filters and replaces none.
			id, name := "Count"+level, level+" lines per cluster and service"
			if i > 0 {
				id, name = fmt.Sprintf("%s%d", id, i+1), fmt.Sprintf("%s (part %d)", name, i+1)
			}
			g.Filters[level] = append(g.Filters[level], awslogs.NewMetricFilter(self, jsii.String(id), &awslogs.MetricFilterProps{
				LogGroup:        g.LogGroup,
				FilterName:      jsii.String(name),
				FilterPattern:   awslogs.FilterPattern_Literal(jsii.String(pattern)),
				MetricNamespace: jsii.String(props.Namespace),
				MetricName:      jsii.String(level),
				MetricValue:     jsii.String("1"),
				Unit:            awscloudwatch.Unit_COUNT,
				Dimensions: &map[string]*string{
					"Cluster": jsii.String("$." + FieldCluster),
					"Service": jsii.String("$." + FieldService),
				},
			}))
		}
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
