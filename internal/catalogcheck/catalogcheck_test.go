package catalogcheck

import (
	"strings"
	"testing"
)

// appPair is an app log stream and its table, as the logging constructs
// synthesize them: the service partition is injected, the date projected.
func appPair() (table, stream map[string]any) {
	stream = map[string]any{
		"BucketARN": map[string]any{"Fn::GetAtt": []any{"ArchiveBucket", "Arn"}},
		"Prefix":    "logs/app/service=!{partitionKeyFromQuery:service}/dt=!{timestamp:yyyy-MM-dd}/",
		"ProcessingConfiguration": map[string]any{"Enabled": true, "Processors": []any{
			map[string]any{"Type": "MetadataExtraction", "Parameters": []any{
				map[string]any{"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{service:.service}"},
				map[string]any{"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
			}},
		}},
	}
	location := func(rest string) any {
		return map[string]any{"Fn::Join": []any{"", []any{"s3://", map[string]any{"Ref": "ArchiveBucket"}, rest}}}
	}
	table = map[string]any{
		"Parameters": map[string]any{
			"projection.enabled":        "true",
			"storage.location.template": location("/logs/app/service=${service}/dt=${dt}/"),
			"projection.service.type":   "injected",
			"projection.dt.type":        "date",
			"projection.dt.format":      "yyyy-MM-dd",
			"projection.dt.range":       "2026-01-01,NOW",
		},
		"PartitionKeys":     []any{map[string]any{"Name": "service", "Type": "string"}, map[string]any{"Name": "dt", "Type": "string"}},
		"StorageDescriptor": map[string]any{"Location": location("/logs/app/")},
	}
	return table, stream
}

// TestTableReadsStream: the check passes a table that reads its stream,
// injected key and all, and names each way a table can drift from it.
func TestTableReadsStream(t *testing.T) {
	table, stream := appPair()
	if p := TableReadsStream(table, stream); len(p) > 0 {
		t.Fatalf("a table that reads its stream: %v", p)
	}
	for _, tc := range []struct {
		name  string
		drift func(table, stream map[string]any)
		want  string
	}{
		{"service projected as a date", func(tb, _ map[string]any) { params(tb)["projection.service.type"] = "date" }, "service: the stream writes a record's value, the projection is date"},
		{"service not projected", func(tb, _ map[string]any) { delete(params(tb), "projection.service.type") }, "partition service is not projected"},
		{"an enum without values", func(tb, _ map[string]any) { params(tb)["projection.service.type"] = "enum" }, "service: an enum projection without values"},
		{"dt projected as injected", func(tb, _ map[string]any) { params(tb)["projection.dt.type"] = "injected" }, "dt: the stream writes dates, the projection is injected"},
		{"another date format", func(tb, _ map[string]any) { params(tb)["projection.dt.format"] = "yyyy/MM/dd" }, "dt: the stream writes dates as yyyy-MM-dd"},
		{"the stream extracts another key", func(_, s map[string]any) {
			s["ProcessingConfiguration"].(map[string]any)["Processors"].([]any)[0].(map[string]any)["Parameters"].([]any)[0].(map[string]any)["ParameterValue"] = "{app:.service}"
		}, "service: the stream's prefix reads it, its metadata extraction query extracts [app]"},
		{"the table reads another prefix", func(_, s map[string]any) {
			s["Prefix"] = "logs/app/svc=!{partitionKeyFromQuery:service}/dt=!{timestamp:yyyy-MM-dd}/"
		}, "storage.location.template is s3://<ArchiveBucket>/logs/app/service=${service}/dt=${dt}/, the stream writes s3://<ArchiveBucket>/logs/app/svc=${service}/dt=${dt}/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table, stream := appPair()
			tc.drift(table, stream)
			problems := TableReadsStream(table, stream)
			if !strings.Contains(strings.Join(problems, "\n"), tc.want) {
				t.Errorf("problems %q, want one containing %q", problems, tc.want)
			}
		})
	}
	// An enum of values is a projection too (the node log's source).
	table, stream = appPair()
	params(table)["projection.service.type"] = "enum"
	params(table)["projection.service.values"] = "checkout,members"
	if p := TableReadsStream(table, stream); len(p) > 0 {
		t.Errorf("an enum projection with values: %v", p)
	}
}

func params(table map[string]any) map[string]any { return table["Parameters"].(map[string]any) }

// TestTableReadsOnePartition: a table over one value of the stream's
// record-field key (Falco's partition of the app log) reads exactly that
// partition's prefix, with the key neither a partition nor projected; a
// location over the whole stream, or the key kept as a partition, is a
// drift.
func TestTableReadsOnePartition(t *testing.T) {
	falcoPair := func() (table, stream map[string]any) {
		table, stream = appPair()
		p := params(table)
		delete(p, "projection.service.type")
		p["storage.location.template"] = map[string]any{"Fn::Join": []any{"", []any{"s3://", map[string]any{"Ref": "ArchiveBucket"}, "/logs/app/service=falco/dt=${dt}/"}}}
		table["PartitionKeys"] = []any{map[string]any{"Name": "dt", "Type": "string"}}
		table["StorageDescriptor"] = map[string]any{"Location": map[string]any{"Fn::Join": []any{"", []any{"s3://", map[string]any{"Ref": "ArchiveBucket"}, "/logs/app/service=falco/"}}}}
		return table, stream
	}
	table, stream := falcoPair()
	if p := TableReadsStream(table, stream); len(p) > 0 {
		t.Fatalf("a table over one partition: %v", p)
	}
	for _, tc := range []struct {
		name  string
		drift func(table map[string]any)
		want  string
	}{
		{"its location is every service's", func(tb map[string]any) {
			tb["StorageDescriptor"] = map[string]any{"Location": "s3://<ArchiveBucket>/logs/app/"}
		}, "the table's location s3://<ArchiveBucket>/logs/app/ is not the stream's root s3://<ArchiveBucket>/logs/app/service=falco/"},
		{"the pinned key is still a partition", func(tb map[string]any) {
			tb["PartitionKeys"] = []any{map[string]any{"Name": "service", "Type": "string"}, map[string]any{"Name": "dt", "Type": "string"}}
		}, "the table's partitions are [service dt], the stream writes keys [dt]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table, stream := falcoPair()
			tc.drift(table)
			if problems := TableReadsStream(table, stream); !strings.Contains(strings.Join(problems, "\n"), tc.want) {
				t.Errorf("problems %q, want one containing %q", problems, tc.want)
			}
		})
	}
}
