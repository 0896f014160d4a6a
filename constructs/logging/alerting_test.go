package logging

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

// TestAlertingFilterPatterns: a filter pattern names the level only, in
// every spelling; the Service dimension comes from each line. So the
// pattern is the same whatever services exist (adding one changes no
// filter), and it stays within CloudWatch Logs' 1,024 characters for every
// level an env may alert on.
func TestAlertingFilterPatterns(t *testing.T) {
	for _, level := range spec.Levels {
		t.Run(level, func(t *testing.T) {
			pattern := filterPattern(level)
			if len(pattern) > MaxFilterPatternLength {
				t.Errorf("%d characters, CloudWatch Logs takes %d", len(pattern), MaxFilterPatternLength)
			}
			if strings.Contains(pattern, "$."+FieldService) || strings.Contains(pattern, "$."+FieldCluster) {
				t.Errorf("pattern %q names a service or cluster", pattern)
			}
			for _, s := range spec.LevelSpellings(level) {
				if !strings.Contains(pattern, `($.level = "`+s+`")`) {
					t.Errorf("pattern %q does not count %q", pattern, s)
				}
			}
		})
	}
	// Every set of levels an env may configure validates.
	key := awskms.Key_FromKeyArn(constructtest.NewStack(t), jsii.String("Key"), jsii.String("arn:aws:kms:ap-northeast-1:111111111111:key/x"))
	for mask := 1; mask < 1<<len(spec.Levels); mask++ {
		var levels []string
		for i, l := range spec.Levels {
			if mask&(1<<i) != 0 {
				levels = append(levels, l)
			}
		}
		p := AlertingLogGroupProps{Name: "/platform/prd/alerting", Key: key, Levels: levels, RetentionDays: 90, Namespace: "Platform/Logs"}
		if err := p.Validate(); err != nil {
			t.Errorf("levels %v: %v", levels, err)
		}
	}
}

func TestAlertingLogGroupPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props AlertingLogGroupProps
		want  string
	}{
		{"unknown level", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"DEBUG"}, RetentionDays: 90, Namespace: "Platform/Logs"}, `levels[0]: must be one of [WARN ERROR FATAL], got "DEBUG"`},
		{"level twice", AlertingLogGroupProps{Name: "/platform/prd/alerting", Levels: []string{"ERROR", "ERROR"}, RetentionDays: 90, Namespace: "Platform/Logs"}, "levels[1]: ERROR is listed twice"},
		{"no levels", AlertingLogGroupProps{Name: "/platform/prd/alerting", RetentionDays: 90, Namespace: "Platform/Logs"}, "levels: at least one"},
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
		Name: "/platform/prd/alerting", Key: key, Levels: []string{"ERROR", "FATAL"}, RetentionDays: 100,
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
			var logicalID string
			for id, f := range filters {
				p := (*f)["Properties"].(map[string]any)
				if p["MetricTransformations"].([]any)[0].(map[string]any)["MetricName"] == level {
					found, logicalID = p, id
				}
			}
			if found == nil {
				t.Fatalf("no metric filter publishes %s", level)
			}
			// The id and name the deployed filter has had since it listed
			// services: CloudFormation updates it in place.
			if id := *g.Filters[level].Node().Id(); id != "Count"+level || !strings.HasPrefix(logicalID, "AlertingCount"+level) {
				t.Errorf("filter id %s (logical id %s), want Count%s: a new id replaces the deployed filter", id, logicalID, level)
			}
			if found["FilterName"] != level+" lines per cluster and service" {
				t.Errorf("filter name %v: a new name replaces the deployed filter", found["FilterName"])
			}
			// Any spelling of the level, from any service.
			var levels []string
			for _, s := range spec.LevelSpellings(level) {
				levels = append(levels, `($.level = "`+s+`")`)
			}
			want := "{ " + strings.Join(levels, " || ") + " }"
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
	// Which service is failing now, across services: the archive's
	// app_logs cannot answer that (its service partition must be named).
	t.Run("errors per service query", func(t *testing.T) {
		var spellings []string
		for _, l := range []string{"ERROR", "FATAL"} {
			for _, s := range spec.LevelSpellings(l) {
				spellings = append(spellings, `"`+s+`"`)
			}
		}
		tmpl.HasResourceProperties(jsii.String("AWS::Logs::QueryDefinition"), map[string]any{
			"Name": ErrorsQueryName,
			"QueryString": "filter level in [" + strings.Join(spellings, ", ") + "]\n" +
				"| stats count(*) as errors by service, cluster\n" +
				"| sort errors desc",
			"LogGroupNames": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^Alerting"))}},
		})
		if q := errorsQuery([]string{"WARN"}); q != "" {
			t.Errorf("a group of WARN lines only gets an errors query %q", q)
		}
		if q := errorsQuery([]string{"WARN", "ERROR"}); strings.Contains(q, "FATAL") || strings.Contains(q, "WARN") || !strings.Contains(q, `"Error"`) {
			t.Errorf("errors query over ERROR only: %q", q)
		}
	})
}
