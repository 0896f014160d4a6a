package logging

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

var appLayout = Layout{Root: "logs/app/", Keys: []PartitionKey{
	{Name: "service", RecordField: "service", FallbackField: "kubernetes.container_name", Values: []string{"api-gateway", "checkout"}},
	{Name: "dt"},
}}
var nodeLayout = Layout{Root: "logs/node/", Keys: []PartitionKey{
	{Name: "source", RecordField: FieldSource, Values: NodeLogSources},
	{Name: "dt"},
}}
var wafLayout = Layout{Root: "waf/", Keys: []PartitionKey{{Name: "dt"}}}

// newLoggingStack builds the archive, both streams and the catalog once.
func newLoggingStack(t *testing.T) (awscdk.Stack, assertions.Template) {
	stack := constructtest.NewStack(t)
	archive := NewLogArchive(stack, "Archive", LogArchiveProps{})
	app := NewLogDeliveryStream(stack, "AppLogs", LogDeliveryStreamProps{Name: "prd-app-logs", Archive: archive, Layout: appLayout})
	waf := NewLogDeliveryStream(stack, "WafLogs", LogDeliveryStreamProps{Name: "aws-waf-logs-prd", Archive: archive, Layout: wafLayout})
	node := NewLogDeliveryStream(stack, "NodeLogs", LogDeliveryStreamProps{Name: "prd-node-logs", Archive: archive, Layout: nodeLayout, RecordsEndWithNewline: true})
	NewLogQueryCatalog(stack, "Catalog", LogQueryCatalogProps{
		Database: "prd_logs", Archive: archive, WorkGroup: "prd-logs", BytesScannedCutoffGiB: 50,
		Tables: []Table{
			{Name: AppLogsTable, Stream: app, Columns: AppLogColumns},
			{Name: WafLogsTable, Stream: waf, Columns: WafLogColumns},
			{Name: NodeLogsTable, Stream: node, Columns: NodeLogColumns},
		},
	})
	return stack, constructtest.Template(t, stack)
}

func TestLogPipeline(t *testing.T) {
	stack, tmpl := newLoggingStack(t)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("streams write GZIP, encrypted, partitioned", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
			"DeliveryStreamName":                         "prd-app-logs",
			"DeliveryStreamEncryptionConfigurationInput": map[string]any{"KeyType": "AWS_OWNED_CMK"},
			"ExtendedS3DestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
				"CompressionFormat":                "GZIP",
				"Prefix":                           "logs/app/service=!{partitionKeyFromQuery:service}/dt=!{timestamp:yyyy-MM-dd}/",
				"ErrorOutputPrefix":                "errors/logs/app/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
				"DynamicPartitioningConfiguration": assertions.Match_ObjectLike(&map[string]any{"Enabled": true}),
				"BufferingHints":                   map[string]any{"IntervalInSeconds": 300, "SizeInMBs": 64},
				"EncryptionConfiguration":          map[string]any{"KMSEncryptionConfig": map[string]any{"AWSKMSKeyARN": assertions.Match_AnyValue()}},
				"CloudWatchLoggingOptions":         assertions.Match_ObjectLike(&map[string]any{"Enabled": true}),
			}),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
			"DeliveryStreamName": "aws-waf-logs-prd",
			"ExtendedS3DestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
				"Prefix": "waf/dt=!{timestamp:yyyy-MM-dd}/", "CompressionFormat": "GZIP",
			}),
		})
	})
	// Firehose must read each partition key where the shipper writes it,
	// and a record must end in exactly one newline for Athena.
	t.Run("partition queries and delimiters", func(t *testing.T) {
		for name, want := range map[string]struct {
			query     string
			delimiter bool
		}{
			"prd-app-logs":  {"{service:(.service // .kubernetes.container_name)}", true},
			"prd-node-logs": {"{source:.source}", false},
		} {
			var s map[string]any
			for _, r := range *tmpl.FindResources(jsii.String("AWS::KinesisFirehose::DeliveryStream"), nil) {
				if p := (*r)["Properties"].(map[string]any); p["DeliveryStreamName"] == name {
					s = p["ExtendedS3DestinationConfiguration"].(map[string]any)
				}
			}
			var query string
			delimiter := false
			for _, proc := range s["ProcessingConfiguration"].(map[string]any)["Processors"].([]any) {
				proc := proc.(map[string]any)
				delimiter = delimiter || proc["Type"] == "AppendDelimiterToRecord"
				params, _ := proc["Parameters"].([]any)
				for _, param := range params {
					if param.(map[string]any)["ParameterName"] == "MetadataExtractionQuery" {
						query = param.(map[string]any)["ParameterValue"].(string)
					}
				}
			}
			if query != want.query {
				t.Errorf("%s: metadata query %q, want %q", name, query, want.query)
			}
			if delimiter != want.delimiter {
				t.Errorf("%s: appends a delimiter %v, want %v", name, delimiter, want.delimiter)
			}
		}
	})
	t.Run("workgroup enforces encryption and a scan cutoff", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Athena::WorkGroup"), map[string]any{
			"Name": "prd-logs",
			"WorkGroupConfiguration": assertions.Match_ObjectLike(&map[string]any{
				"EnforceWorkGroupConfiguration":   true,
				"PublishCloudWatchMetricsEnabled": true,
				"BytesScannedCutoffPerQuery":      50 * 1024 * 1024 * 1024,
				"ResultConfiguration": assertions.Match_ObjectLike(&map[string]any{
					"EncryptionConfiguration": map[string]any{"EncryptionOption": "SSE_KMS", "KmsKey": assertions.Match_AnyValue()},
				}),
			}),
		})
	})
	t.Run("saved queries", func(t *testing.T) {
		for _, q := range savedQueries {
			tmpl.HasResourceProperties(jsii.String("AWS::Athena::NamedQuery"), map[string]any{
				"Name": q.name, "Database": "prd_logs", "QueryString": assertions.Match_StringLikeRegexp(jsii.String(`FROM "prd_logs"\."` + q.tables[0] + `"`)),
			})
		}
	})
}

// TestTablesMatchStreams proves, for each Glue table, that its location and
// partition projection read exactly what its Firehose stream writes: the
// stream's prefix with each !{...} expression replaced by the projected
// ${key} is the table's storage.location.template, the date format is the
// same, and every partition key is projected.
func TestTablesMatchStreams(t *testing.T) {
	_, tmpl := newLoggingStack(t)
	streams := map[string]map[string]any{}
	for _, r := range *tmpl.FindResources(jsii.String("AWS::KinesisFirehose::DeliveryStream"), nil) {
		p := (*r)["Properties"].(map[string]any)
		streams[p["DeliveryStreamName"].(string)] = p["ExtendedS3DestinationConfiguration"].(map[string]any)
	}
	tables := map[string]map[string]any{}
	for _, r := range *tmpl.FindResources(jsii.String("AWS::Glue::Table"), nil) {
		in := (*r)["Properties"].(map[string]any)["TableInput"].(map[string]any)
		tables[in["Name"].(string)] = in
	}
	expr := regexp.MustCompile(`!\{(partitionKeyFromQuery:([a-z_]+)|timestamp:([^}]+))\}`)
	for table, stream := range map[string]string{AppLogsTable: "prd-app-logs", WafLogsTable: "aws-waf-logs-prd", NodeLogsTable: "prd-node-logs"} {
		t.Run(table, func(t *testing.T) {
			in, s := tables[table], streams[stream]
			if in == nil || s == nil {
				t.Fatalf("table %s or stream %s missing", table, stream)
			}
			prefix := s["Prefix"].(string)
			params := in["Parameters"].(map[string]any)
			// Turn the stream's prefix into the location template Athena needs.
			keyOrder := []string{}
			want := expr.ReplaceAllStringFunc(prefix, func(m string) string {
				g := expr.FindStringSubmatch(m)
				if g[2] != "" {
					keyOrder = append(keyOrder, g[2])
					return "${" + g[2] + "}"
				}
				// A timestamp: the key is the name before "=".
				before := prefix[:strings.Index(prefix, m)]
				key := before[strings.LastIndex(before, "/")+1 : len(before)-1]
				keyOrder = append(keyOrder, key)
				if params["projection."+key+".format"] != g[3] {
					t.Errorf("%s: stream writes dates as %s, projection reads %v", key, g[3], params["projection."+key+".format"])
				}
				return "${" + key + "}"
			})
			// The table reads the bucket the stream writes to.
			bucket := s["BucketARN"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			loc := render(params["storage.location.template"])
			if loc != "s3://<"+bucket+">/"+want {
				t.Errorf("storage.location.template %s, want s3://<%s>/%s", loc, bucket, want)
			}
			var partitionKeys []string
			for _, k := range in["PartitionKeys"].([]any) {
				name := k.(map[string]any)["Name"].(string)
				partitionKeys = append(partitionKeys, name)
				if params["projection."+name+".type"] == nil {
					t.Errorf("partition %s is not projected", name)
				}
			}
			if strings.Join(partitionKeys, ",") != strings.Join(keyOrder, ",") {
				t.Errorf("table partitions %v, stream writes keys %v", partitionKeys, keyOrder)
			}
			if params["projection.enabled"] != "true" {
				t.Error("projection disabled")
			}
			location := render(in["StorageDescriptor"].(map[string]any)["Location"])
			root := prefix[:strings.Index(prefix, "=")]
			root = root[:strings.LastIndex(root, "/")+1]
			if location != "s3://<"+bucket+">/"+root {
				t.Errorf("table location %s is not the stream's root s3://<%s>/%s", location, bucket, root)
			}
		})
	}
}

// render turns a template value (a string or an Fn::Join of strings and
// Refs) into text, a Ref shown as <LogicalId>.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			return "<" + ref + ">"
		}
		if j, ok := x["Fn::Join"].([]any); ok {
			var parts []string
			for _, p := range j[1].([]any) {
				parts = append(parts, render(p))
			}
			return strings.Join(parts, j[0].(string))
		}
	}
	return fmt.Sprint(v)
}
