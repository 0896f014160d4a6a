package logging

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/spec"
)

var appLayout = Layout{Root: "logs/app/", Keys: []PartitionKey{
	{Name: "service", RecordField: "service"},
	{Name: "dt"},
}}
var nodeLayout = Layout{Root: "logs/node/", Keys: []PartitionKey{
	{Name: "source", RecordField: FieldSource, Values: NodeLogSources},
	{Name: "dt"},
}}
var wafLayout = Layout{Root: "waf/", Keys: []PartitionKey{{Name: "dt"}}}
var dbAuditLayout = Layout{Root: "db-audit/", Keys: []PartitionKey{{Name: "dt"}}}
var nodeSessionLayout = Layout{Root: "node-sessions/", Keys: []PartitionKey{{Name: "dt"}}}

// newLoggingStack builds the archive, both streams and the catalog once.
func newLoggingStack(t *testing.T) (awscdk.Stack, assertions.Template) {
	stack := constructtest.NewStack(t)
	archive := NewLogArchive(stack, "Archive", LogArchiveProps{})
	app := NewLogDeliveryStream(stack, "AppLogs", LogDeliveryStreamProps{Name: "prd-app-logs", Store: archive.App, Layout: appLayout})
	waf := NewLogDeliveryStream(stack, "WafLogs", LogDeliveryStreamProps{Name: "aws-waf-logs-prd", Store: archive.Audit, Layout: wafLayout})
	node := NewLogDeliveryStream(stack, "NodeLogs", LogDeliveryStreamProps{Name: "prd-node-logs", Store: archive.App, Layout: nodeLayout, RecordsEndWithNewline: true})
	db := NewLogDeliveryStream(stack, "DbAuditLogs", LogDeliveryStreamProps{Name: "prd-db-audit-logs", Store: archive.Audit, Layout: dbAuditLayout, FromCloudWatchLogs: true})
	sessions := NewLogDeliveryStream(stack, "NodeSessionLogs", LogDeliveryStreamProps{Name: "prd-node-session-logs", Store: archive.Audit, Layout: nodeSessionLayout, FromCloudWatchLogs: true})
	NewLogQueryCatalog(stack, "Catalog", LogQueryCatalogProps{
		Database: "prd_logs", Archive: archive, WorkGroup: "prd-logs", BytesScannedCutoffGiB: 50,
		Tables: []Table{
			{Name: AppLogsTable, Stream: app, Columns: AppLogColumns},
			{Name: WafLogsTable, Stream: waf, Columns: WafLogColumns},
			{Name: NodeLogsTable, Stream: node, Columns: NodeLogColumns},
			{Name: DbAuditLogsTable, Stream: db, Columns: DbAuditLogColumns},
			{Name: FalcoEventsTable, Stream: app, Columns: FalcoEventColumns, Within: &Partition{Key: "service", Value: spec.FalcoNamespace}},
			{Name: NodeSessionLogsTable, Stream: sessions, Columns: NodeSessionLogColumns},
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
			"prd-app-logs":  {"{service:.service}", true},
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
	// CloudWatch Logs sends a subscription's batches gzipped: without the
	// Decompression processor the archive holds gzip inside gzip, which
	// Athena cannot read.
	t.Run("the database audit stream decompresses CloudWatch Logs batches", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::KinesisFirehose::DeliveryStream"), map[string]any{
			"DeliveryStreamName": "prd-db-audit-logs",
			"ExtendedS3DestinationConfiguration": assertions.Match_ObjectLike(&map[string]any{
				"Prefix": "db-audit/dt=!{timestamp:yyyy-MM-dd}/",
				"ProcessingConfiguration": map[string]any{"Enabled": true, "Processors": []any{
					map[string]any{"Type": "Decompression", "Parameters": []any{map[string]any{"ParameterName": "CompressionFormat", "ParameterValue": "GZIP"}}},
					map[string]any{"Type": "AppendDelimiterToRecord"},
				}},
				"DynamicPartitioningConfiguration": assertions.Match_Absent(),
			}),
		})
		// Only CloudWatch Logs of this account may put records, and only here.
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": map[string]any{"Service": "logs.amazonaws.com"},
				"Condition": map[string]any{"StringLike": map[string]any{"aws:SourceArn": "arn:aws:logs:ap-northeast-1:111111111111:*"}},
			}}, "Version": "2012-10-17"},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Action": []any{"firehose:PutRecord", "firehose:PutRecordBatch"}, "Effect": "Allow",
				"Resource": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^DbAuditLogs")), "Arn"}},
			}}, "Version": "2012-10-17"},
			"Roles": []any{map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^DbAuditLogsSubscriptionRole"))}},
		})
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
			if sql := fmt.Sprintf(q.sql, "prd_logs"); strings.Contains(sql, "%!") || strings.Contains(sql, "%%") {
				t.Errorf("%s: badly formatted SQL %q", q.id, sql)
			}
		}
	})
	// Session Manager streams each session as JSON records whose
	// sessionData holds the terminal's lines: the saved query reads who,
	// where, as whom and what from each event's message, over the last
	// day's partitions only.
	t.Run("node session query reads Session Manager's records", func(t *testing.T) {
		var sql string
		for _, q := range savedQueries {
			if q.id == "NodeSessionCommands" {
				sql = fmt.Sprintf(q.sql, "prd_logs")
			}
		}
		for _, want := range []string{
			`FROM "prd_logs"."node_session_logs"`, "CROSS JOIN UNNEST(logevents)", "messagetype = 'DATA_MESSAGE'",
			"'$.sessionId'", "'$.userIdentity.arn'", "'$.target.id'", "'$.runAsUser'", "'$.sessionData'",
			"dt >= date_format(current_date - interval '1' day, '%Y-%m-%d')",
		} {
			if !strings.Contains(sql, want) {
				t.Errorf("node session query lacks %s:\n%s", want, sql)
			}
		}
	})
}

// TestTablesMatchStreams proves, for each Glue table, that its location and
// partition projection read exactly what its Firehose stream writes (see
// catalogcheck): the whole-app tests run the same check on every env.
func TestTablesMatchStreams(t *testing.T) {
	_, tmpl := newLoggingStack(t)
	resources := catalogcheck.Resources(*tmpl.ToJSON())["Resources"].(map[string]any)
	streams, tables := catalogcheck.Resources(resources).Streams(), catalogcheck.Resources(resources).Tables()
	for table, stream := range map[string]string{AppLogsTable: "prd-app-logs", WafLogsTable: "aws-waf-logs-prd", NodeLogsTable: "prd-node-logs", DbAuditLogsTable: "prd-db-audit-logs", NodeSessionLogsTable: "prd-node-session-logs", FalcoEventsTable: "prd-app-logs"} {
		t.Run(table, func(t *testing.T) {
			if tables[table] == nil || streams[stream] == nil {
				t.Fatalf("table %s or stream %s missing", table, stream)
			}
			for _, p := range catalogcheck.TableReadsStream(tables[table], streams[stream]) {
				t.Error(p)
			}
		})
	}
	// The app log's service partition is injected: no list of services
	// in the table.
	if p := tables[AppLogsTable]["Parameters"].(map[string]any); p["projection.service.type"] != "injected" || p["projection.service.values"] != nil {
		t.Errorf("app_logs projects service as %v %v, want injected without values", p["projection.service.type"], p["projection.service.values"])
	}
	// The check itself must see a drift: a table reading another date
	// format, or the service partition projected as a date.
	for param, value := range map[string]string{"projection.dt.format": "yyyy/MM/dd", "projection.service.type": "date"} {
		drifted := map[string]any{}
		for k, v := range tables[AppLogsTable] {
			drifted[k] = v
		}
		params := map[string]any{}
		for k, v := range tables[AppLogsTable]["Parameters"].(map[string]any) {
			params[k] = v
		}
		params[param] = value
		drifted["Parameters"] = params
		if len(catalogcheck.TableReadsStream(drifted, streams["prd-app-logs"])) == 0 {
			t.Errorf("a table with %s = %s passed the check", param, value)
		}
	}
}
