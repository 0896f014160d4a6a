package logging

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

// TestFalcoFilterPattern: the filter counts Falcosidekick's events at or
// above the minimum, and no line a shipper copied (those carry the
// service field), in CloudWatch Logs' limit for every minimum.
func TestFalcoFilterPattern(t *testing.T) {
	want := `{ ($.rule = "*") && ($.service NOT EXISTS) && (($.priority = "Emergency") || ($.priority = "Alert") || ($.priority = "Critical") || ($.priority = "Error") || ($.priority = "Warning")) }`
	if got := falcoFilterPattern("warning"); got != want {
		t.Errorf("pattern\n%s\nwant\n%s", got, want)
	}
	for _, p := range spec.FalcoPriorities {
		if n := len(falcoFilterPattern(p)); n > MaxFilterPatternLength {
			t.Errorf("%s: %d characters, CloudWatch Logs takes %d", p, n, MaxFilterPatternLength)
		}
	}
}

func TestFalcoAlertsPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props FalcoAlertsProps
		want  string
	}{
		{"no group", FalcoAlertsProps{MinPriority: "notice", Namespace: "Platform/Security"}, "alerting: required"},
		{"an event's spelling", FalcoAlertsProps{MinPriority: "Notice", Namespace: "Platform/Security"}, `minPriority: must be one of [emergency alert critical error warning notice informational debug], got "Notice"`},
		{"an AWS namespace", FalcoAlertsProps{MinPriority: "notice", Namespace: "AWS/Logs"}, "namespace: must be a custom CloudWatch namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.props.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFalcoAlerts: one env-wide count of Falco events on the alerting
// group, for one alarm, and the Logs Insights query that reads them.
func TestFalcoAlerts(t *testing.T) {
	stack := constructtest.NewStack(t)
	g := NewAlertingLogGroup(stack, "Alerting", AlertingLogGroupProps{
		Name: "/platform/prd/alerting", Key: awskms.NewKey(stack, jsii.String("Key"), nil), Levels: []string{"ERROR", "FATAL"},
	})
	f := NewFalcoAlerts(stack, "Falco", FalcoAlertsProps{Alerting: g, MinPriority: "notice"})
	tmpl := constructtest.Template(t, stack)
	tmpl.HasResourceProperties(jsii.String("AWS::Logs::MetricFilter"), map[string]any{
		"FilterPattern": falcoFilterPattern("notice"),
		"MetricTransformations": []any{map[string]any{
			"MetricNamespace": "Platform/Security", "MetricName": FalcoEventsMetricName, "MetricValue": "1", "Unit": "Count",
			"Dimensions": assertions.Match_Absent(),
		}},
	})
	tmpl.HasResourceProperties(jsii.String("AWS::Logs::QueryDefinition"), map[string]any{
		"Name":        FalcoEventsQueryName,
		"QueryString": assertions.Match_StringLikeRegexp(jsii.String(`filter ispresent\(rule\) and not ispresent\(service\)`)),
	})
	m := f.Metric()
	if *m.Namespace() != "Platform/Security" || *m.MetricName() != FalcoEventsMetricName || (m.Dimensions() != nil && len(*m.Dimensions()) != 0) {
		t.Errorf("metric %s/%s %v, want the filter's, without dimensions", *m.Namespace(), *m.MetricName(), m.Dimensions())
	}
	// The level filters count no Falco event: it has no level field.
	for level := range g.Filters {
		if strings.Contains(filterPattern(level), "priority") {
			t.Errorf("the %s filter reads priority", level)
		}
	}
}

// TestLayoutWithin: one value of the outermost record-field key is a
// layout of its own, under that partition's prefix.
func TestLayoutWithin(t *testing.T) {
	app := Layout{Root: "logs/app/", Keys: []PartitionKey{{Name: "service", RecordField: FieldService}, {Name: "dt"}}}
	got, err := app.Within("service", spec.FalcoNamespace)
	if err != nil {
		t.Fatal(err)
	}
	if got.Root != "logs/app/service=falco/" || len(got.Keys) != 1 || got.Keys[0].Name != "dt" {
		t.Errorf("Within = %+v, want root logs/app/service=falco/ and key dt", got)
	}
	if tmpl := got.LocationTemplate("s3://b/"); tmpl != "s3://b/logs/app/service=falco/dt=${dt}/" {
		t.Errorf("location template %s", tmpl)
	}
	if len(app.Keys) != 2 {
		t.Error("Within changed the layout it was called on")
	}
	node := Layout{Root: "logs/node/", Keys: []PartitionKey{{Name: "source", RecordField: FieldSource, Values: NodeLogSources}, {Name: "dt"}}}
	for _, tc := range []struct {
		name       string
		l          Layout
		key, value string
		want       string
	}{
		{"a date key", app, "dt", "2026-11-25", "dt is not its outermost record-field key"},
		{"an inner key", Layout{Root: "x/", Keys: []PartitionKey{{Name: "dt"}, {Name: "service", RecordField: FieldService}}}, "service", "falco", "service is not its outermost record-field key"},
		{"a value with a slash", app, "service", "falco/x", `service="falco/x" is not a plain partition value`},
		{"an empty value", app, "service", "", `service="" is not a plain partition value`},
		{"a value the enum lacks", node, "source", "kernel", "source takes [dataplane host], not \"kernel\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.l.Within(tc.key, tc.value); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Within(%s, %s) = %v, want %q", tc.key, tc.value, err, tc.want)
			}
		})
	}
}

// TestFalcoShellsQuery: the catalog with Falco's table saves the query of
// shells spawned in containers, over that table, reading map keys that a
// Falco event may lack without failing (element_at, not [...]).
func TestFalcoShellsQuery(t *testing.T) {
	_, tmpl := newLoggingStack(t)
	queries := tmpl.FindResources(jsii.String("AWS::Athena::NamedQuery"), &map[string]any{"Properties": map[string]any{"Name": FalcoShellsQueryName}})
	if len(*queries) != 1 {
		t.Fatalf("%d saved queries named %q, want 1", len(*queries), FalcoShellsQueryName)
	}
	for _, q := range *queries {
		sql := (*q)["Properties"].(map[string]any)["QueryString"].(string)
		for _, want := range []string{`FROM "prd_logs"."falco_events"`, "contains(tags, 'shell')", "element_at(output_fields, 'proc.cmdline')", "interval '24' hour", `ORDER BY "time" DESC`} {
			if !strings.Contains(sql, want) {
				t.Errorf("query lacks %q:\n%s", want, sql)
			}
		}
		if strings.Contains(sql, "%!") || strings.Contains(sql, "%%") || strings.Contains(sql, "output_fields[") {
			t.Errorf("badly formed SQL:\n%s", sql)
		}
	}
}
