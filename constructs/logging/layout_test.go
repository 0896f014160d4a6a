package logging

import (
	"maps"
	"strings"
	"testing"
)

// TestLayoutProjection: a record-field key with values is an enum; one
// without is injected (any value, named by each query); a date key is a
// date range. The location template nests the keys as Firehose writes them.
func TestLayoutProjection(t *testing.T) {
	l := Layout{Root: "logs/app/", Keys: []PartitionKey{
		{Name: "service", RecordField: FieldService},
		{Name: "source", RecordField: FieldSource, Values: NodeLogSources},
		{Name: "dt"},
	}}
	if err := l.validate(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"projection.enabled":          "true",
		"storage.location.template":   "s3://b/logs/app/service=${service}/source=${source}/dt=${dt}/",
		"projection.service.type":     "injected",
		"projection.source.type":      "enum",
		"projection.source.values":    "dataplane,host",
		"projection.dt.type":          "date",
		"projection.dt.format":        DateFormat,
		"projection.dt.range":         "2026-01-01,NOW",
		"projection.dt.interval":      "1",
		"projection.dt.interval.unit": "DAYS",
	}
	if got := l.Projection("s3://b/", "2026-01-01"); !maps.Equal(got, want) {
		t.Errorf("Projection() = %v, want %v", got, want)
	}
	if got, want := l.FirehosePrefix(), "logs/app/service=!{partitionKeyFromQuery:service}/source=!{partitionKeyFromQuery:source}/dt=!{timestamp:yyyy-MM-dd}/"; got != want {
		t.Errorf("FirehosePrefix() = %q, want %q", got, want)
	}
}

func TestLayoutValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layout Layout
		want   string
	}{
		{"absolute root", Layout{Root: "/logs/"}, "layout root must be a relative prefix"},
		{"date key with values", Layout{Root: "logs/", Keys: []PartitionKey{{Name: "dt", Values: []string{"x"}}}}, "layout key dt: a date key takes no values"},
		{"a value Athena would split", Layout{Root: "logs/", Keys: []PartitionKey{{Name: "source", RecordField: "source", Values: []string{"a,b"}}}}, `values must be non-empty and free of commas, got "a,b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.layout.validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
