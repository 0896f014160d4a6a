package logging

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

// TestLevelSpellings: the names services actually log a level under
// (log4j's WARN, Python's WARNING and CRITICAL, Serilog's Error, zap's
// error) all count, and nothing below the level does.
func TestLevelSpellings(t *testing.T) {
	for _, tc := range []struct {
		level     string
		counts    []string
		notCounts []string
	}{
		{"WARN", []string{"WARN", "warn", "Warn", "WARNING", "warning", "Warning"}, []string{"INFO", "ERROR"}},
		{"ERROR", []string{"ERROR", "error", "Error"}, []string{"ERR", "WARN", "FATAL", "eRROR"}},
		{"FATAL", []string{"FATAL", "fatal", "Fatal", "CRITICAL", "critical", "Critical"}, []string{"ERROR", "PANIC"}},
		{"DEBUG", nil, []string{"DEBUG", "debug"}},
	} {
		t.Run(tc.level, func(t *testing.T) {
			got := LevelSpellings(tc.level)
			for _, s := range tc.counts {
				if !slices.Contains(got, s) {
					t.Errorf("%q does not count as %s (spellings %v)", s, tc.level, got)
				}
			}
			for _, s := range tc.notCounts {
				if slices.Contains(got, s) {
					t.Errorf("%q counts as %s", s, tc.level)
				}
			}
		})
	}
}

func manyServices(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("service-number-%d", i))
	}
	return out
}

// longServices are n services with names of the longest kind config takes.
func longServices(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s-%04d", strings.Repeat("s", 58), i))
	}
	return out
}

// TestAlertingFiltersScale: a strangler migration reaches hundreds of
// services, and CloudWatch Logs takes a filter pattern of 1,024
// characters at most. The services are split over as many filters as
// needed, each within the limit, each service counted by exactly one.
func TestAlertingFiltersScale(t *testing.T) {
	for _, tc := range []struct {
		name     string
		services []string
	}{{"200 short names", manyServices(200)}, {"200 longest names", longServices(200)}} {
		t.Run(tc.name, func(t *testing.T) {
			p := AlertingLogGroupProps{Levels: Levels, Services: tc.services}
			for _, level := range Levels {
				patterns := p.filterPatterns(level)
				if len(patterns) < 2 {
					t.Fatalf("%s: %d pattern(s) for %d services: not split", level, len(patterns), len(tc.services))
				}
				seen := map[string]int{}
				for i, pat := range patterns {
					if len(pat) > MaxFilterPatternLength {
						t.Errorf("%s part %d: %d characters, CloudWatch Logs takes %d", level, i+1, len(pat), MaxFilterPatternLength)
					}
					for _, s := range tc.services {
						if strings.Contains(pat, `($.service = "`+s+`")`) {
							seen[s]++
						}
					}
				}
				for _, s := range tc.services {
					if seen[s] != 1 {
						t.Errorf("%s: service %s is in %d parts, want exactly 1", level, s, seen[s])
					}
				}
			}
			if n := p.filterCount(); n > MaxMetricFiltersPerLogGroup {
				t.Errorf("%d filters, a log group takes %d", n, MaxMetricFiltersPerLogGroup)
			}
		})
	}
}

func TestAlertingLogGroupPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props AlertingLogGroupProps
		want  string
	}{
		{"unknown level", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"DEBUG"}, Services: []string{"checkout"}, RetentionDays: 90, Namespace: "Platform/Logs"}, `levels[0]: must be one of [WARN ERROR FATAL], got "DEBUG"`},
		{"level twice", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"ERROR", "ERROR"}, Services: []string{"checkout"}, RetentionDays: 90, Namespace: "Platform/Logs"}, "levels[1]: ERROR is listed twice"},
		{"no levels", AlertingLogGroupProps{Name: "/platform/prd/alerting", Services: []string{"checkout"}, RetentionDays: 90, Namespace: "Platform/Logs"}, "levels: at least one"},
		{"no services", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"ERROR"}, RetentionDays: 90, Namespace: "Platform/Logs"}, "services: at least one"},
		{"more filters than a log group takes", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"WARN", "ERROR", "FATAL"}, Services: longServices(400), RetentionDays: 90, Namespace: "Platform/Logs"}, "services: 400 services over 3 levels need"},
		{"service a pattern cannot quote", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"ERROR"}, Services: []string{`a"b`}, RetentionDays: 90, Namespace: "Platform/Logs"}, `services: "a\"b" cannot be matched in a filter pattern`},
		{"AWS namespace", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"ERROR"}, RetentionDays: 90, Namespace: "AWS/Logs"}, "namespace: must be a custom CloudWatch namespace"},
		{"bad name", AlertingLogGroupProps{Name: "platform alerting", Levels: []string{"ERROR"}, RetentionDays: 90, Namespace: "Platform/Logs"}, "name: must be a log group name"},
		{"no key", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"ERROR"}, RetentionDays: 90, Namespace: "Platform/Logs"}, "key: required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.props.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestAlertingLogGroup: each level is counted per cluster and service in
// both spellings services use, and the metric an alarm watches is exactly
// the one the filter publishes; otherwise the alarm would watch nothing.
func TestAlertingLogGroup(t *testing.T) {
	stack := constructtest.NewStack(t)
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	g := NewAlertingLogGroup(stack, "Alerting", AlertingLogGroupProps{
		Name: "/platform/prd/alerting", Key: key, Levels: []string{"ERROR", "FATAL"}, Services: []string{"checkout", "catalog"}, RetentionDays: 100,
	})
	tmpl := constructtest.Template(t, stack)

	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("encrypted, retention rounded up", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"LogGroupName": "/platform/prd/alerting", "RetentionInDays": 120, "KmsKeyId": assertions.Match_AnyValue(),
		})
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{"DeletionPolicy": "Retain"})
	})
	filters := *tmpl.FindResources(jsii.String("AWS::Logs::MetricFilter"), nil)
	if len(filters) != 2 {
		t.Fatalf("%d metric filters, want one per level (2)", len(filters))
	}
	for _, level := range []string{"ERROR", "FATAL"} {
		t.Run(level, func(t *testing.T) {
			var found map[string]any
			for _, f := range filters {
				p := (*f)["Properties"].(map[string]any)
				if p["MetricTransformations"].([]any)[0].(map[string]any)["MetricName"] == level {
					found = p
				}
			}
			if found == nil {
				t.Fatalf("no metric filter publishes %s", level)
			}
			// Any spelling of the level, from a configured service only.
			var levels []string
			for _, s := range LevelSpellings(level) {
				levels = append(levels, `($.level = "`+s+`")`)
			}
			want := "{ (" + strings.Join(levels, " || ") + `) && (($.service = "checkout") || ($.service = "catalog")) }`
			if found["FilterPattern"] != want {
				t.Errorf("pattern %q, want %q", found["FilterPattern"], want)
			}
			mt := found["MetricTransformations"].([]any)[0].(map[string]any)
			m := g.Metric("prd-blue", "checkout", level)
			if mt["MetricNamespace"] != *m.Namespace() || mt["MetricName"] != *m.MetricName() || mt["MetricValue"] != "1" {
				t.Errorf("filter publishes %v/%v, the alarm metric is %s/%s", mt["MetricNamespace"], mt["MetricName"], *m.Namespace(), *m.MetricName())
			}
			var filterDims, metricDims []string
			for _, d := range mt["Dimensions"].([]any) {
				d := d.(map[string]any)
				filterDims = append(filterDims, d["Key"].(string)+"="+d["Value"].(string))
			}
			for k := range *m.Dimensions() {
				metricDims = append(metricDims, k)
			}
			slices.Sort(filterDims)
			slices.Sort(metricDims)
			if want := []string{"Cluster=$.cluster", "Service=$.service"}; !slices.Equal(filterDims, want) {
				t.Errorf("filter dimensions %v, want %v", filterDims, want)
			}
			if !slices.Equal(metricDims, []string{"Cluster", "Service"}) {
				t.Errorf("alarm metric dimensions %v, want Cluster and Service", metricDims)
			}
		})
	}
}
