package monitoring

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/constructs/network"
)

func TestMonitoring(t *testing.T) {
	stack := constructtest.NewStack(t)
	net := network.NewNetwork(stack, "Network", network.NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
	archive := logging.NewLogArchive(stack, "Archive", logging.LogArchiveProps{})
	channel := NewAlarmChannel(stack, "Alarms", AlarmChannelProps{Name: "prd", SlackWorkspaceID: "T01234567", SlackChannelID: "C01234567"})
	artifacts := NewArtifactsBucket(stack, "Artifacts", ArtifactsBucketProps{Key: archive.App.Key, AccessLogBucket: archive.AccessLogBucket})
	NewCanary(stack, "External", CanaryProps{Name: "prd-api-external", URL: "https://api.shop.example.com/healthz", ArtifactsBucket: artifacts, ArtifactsKey: archive.App.Key, AlarmAction: channel.Action, Runbook: "docs/runbook.md"})
	NewCanary(stack, "Internal", CanaryProps{Name: "prd-api-internal", URL: "https://api.shop.internal/healthz", Vpc: net.Vpc, ArtifactsBucket: artifacts, AlarmAction: channel.Action, Runbook: "docs/runbook.md", TrustedCaPEM: newTestCA(t).pem})
	NewWafAlarms(stack, "Waf", "prd-blue-external", 1000, channel.Action)
	NewFirehoseAlarms(stack, "AppLogs", FirehoseAlarmsProps{StreamName: "prd-app-logs", Action: channel.Action, Continuous: true})
	NewClusterAlarms(stack, "ClusterBlue", ClusterAlarmsProps{ClusterName: "prd-blue", Action: channel.Action, MaxNodeUtilizationPercent: 75})
	key := awskms.NewKey(stack, jsii.String("LogKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	alerting := logging.NewAlertingLogGroup(stack, "Alerting", logging.AlertingLogGroupProps{Name: "/platform/prd/alerting", Key: key, Levels: []string{"ERROR", "FATAL"}})
	NewLogLineAlarm(stack, "CheckoutFatal", LogLineAlarmProps{
		Cluster: "prd-blue", Service: "checkout", Level: "FATAL", Metric: alerting.Metric("prd-blue", "checkout", "FATAL"),
		LogGroupName: "/platform/prd/alerting", MaxPerFiveMinutes: 0, Action: channel.Action,
	})
	NewNodeGroupLaunchAlerts(stack, "NodeGroupLaunch", NodeGroupLaunchAlertsProps{Channel: channel, Name: "prd"})
	tmpl := constructtest.Template(t, stack)

	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("encrypted topic to Slack", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::SNS::Topic"), map[string]any{"KmsMasterKeyId": assertions.Match_AnyValue(), "TopicName": "prd-alarms"})
		tmpl.HasResourceProperties(jsii.String("AWS::Chatbot::SlackChannelConfiguration"), map[string]any{
			"SlackWorkspaceId": "T01234567", "SlackChannelId": "C01234567", "SnsTopicArns": []any{map[string]any{"Ref": assertions.Match_AnyValue()}},
		})
	})
	t.Run("canaries outside and inside the VPC", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Synthetics::Canary"), map[string]any{
			"Name": "prd-api-external", "RuntimeVersion": "syn-nodejs-puppeteer-13.0",
			"ArtifactConfig": map[string]any{"S3Encryption": map[string]any{"EncryptionMode": "SSE_KMS", "KmsKeyArn": assertions.Match_AnyValue()}},
			"Schedule":       assertions.Match_ObjectLike(&map[string]any{"Expression": "rate(5 minutes)"}),
			"VPCConfig":      assertions.Match_Absent(),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Synthetics::Canary"), map[string]any{
			"Name": "prd-api-internal", "VPCConfig": assertions.Match_ObjectLike(&map[string]any{"SecurityGroupIds": assertions.Match_AnyValue()}),
			// It verifies the internal certificate against the private CA.
			"Code": assertions.Match_ObjectLike(&map[string]any{"Script": assertions.Match_StringLikeRegexp(jsii.String(`const ca = "-----BEGIN CERTIFICATE-----[\s\S]*rejectUnauthorized: true`))}),
		})
	})
	t.Run("every alarm notifies the channel and says where to look", func(t *testing.T) {
		alarms := *tmpl.FindResources(jsii.String("AWS::CloudWatch::Alarm"), nil)
		if len(alarms) != 2+2+1+4+6+1 {
			t.Errorf("%d alarms, want 16 (2 per canary, WAF, 4 Firehose, 6 cluster, 1 log line)", len(alarms))
		}
		for id, a := range alarms {
			p := (*a)["Properties"].(map[string]any)
			if len(p["AlarmActions"].([]any)) != 1 || len(p["OKActions"].([]any)) != 1 {
				t.Errorf("%s does not notify the channel on alarm and recovery", id)
			}
			if d, _ := p["AlarmDescription"].(string); len(d) < 60 || !strings.ContainsAny(d, ".") {
				t.Errorf("%s description too thin: %q", id, d)
			}
		}
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"MetricName": "SuccessPercent", "Threshold": 90, "ComparisonOperator": "LessThanThreshold", "TreatMissingData": "breaching",
		})
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"Namespace": "AWS/WAFV2", "MetricName": "BlockedRequests"})
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"Namespace": "AWS/Firehose", "MetricName": "DeliveryToS3.DataFreshness", "Threshold": 900})
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{"Namespace": "AWS/Firehose", "MetricName": "ThrottledRecords", "Threshold": 0})
		// A stream the shippers feed without pause: silence is an outage.
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"Namespace": "AWS/Firehose", "MetricName": "IncomingRecords", "ComparisonOperator": "LessThanThreshold", "Threshold": 1, "TreatMissingData": "breaching",
		})
	})
	t.Run("cluster health", func(t *testing.T) {
		dims := []any{map[string]any{"Name": "ClusterName", "Value": "prd-blue"}}
		for _, a := range []map[string]any{
			// NotReady every minute for ten: not the blips of an upgrade.
			{"Namespace": "ContainerInsights", "MetricName": "cluster_failed_node_count", "Threshold": 0, "ComparisonOperator": "GreaterThanThreshold",
				"Statistic": "Minimum", "Period": 60, "EvaluationPeriods": 10},
			{"Namespace": "ContainerInsights", "MetricName": "node_cpu_utilization", "Threshold": 75},
			{"Namespace": "ContainerInsights", "MetricName": "node_memory_utilization", "Threshold": 75},
			{"Namespace": "AWS/EKS", "MetricName": "scheduler_pending_pods_UNSCHEDULABLE", "Threshold": 0},
			{"Namespace": "AWS/EKS", "MetricName": "apiserver_request_total_5XX"},
			// Silence is the failure: no metrics means no agent and no logs.
			{"Namespace": "ContainerInsights", "MetricName": "cluster_node_count", "ComparisonOperator": "LessThanThreshold", "TreatMissingData": "breaching"},
		} {
			a["Dimensions"] = dims
			tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), a)
		}
	})
	t.Run("log line alarm watches the alerting metric", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"Namespace": "Platform/Logs", "MetricName": "FATAL", "Statistic": "Sum", "Period": 300,
			"Dimensions": assertions.Match_ArrayWith(&[]any{
				map[string]any{"Name": "Cluster", "Value": "prd-blue"}, map[string]any{"Name": "Service", "Value": "checkout"},
			}),
			"Threshold": 0, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
			"AlarmDescription": assertions.Match_StringLikeRegexp(jsii.String("checkout on prd-blue logged a FATAL line.*/platform/prd/alerting")),
		})
	})
	t.Run("node group launch failures reach Slack", func(t *testing.T) {
		rules := *tmpl.FindResources(jsii.String("AWS::Events::Rule"), nil)
		if len(rules) != 1 {
			t.Fatalf("%d rules, want 1", len(rules))
		}
		for _, r := range rules {
			p := (*r)["Properties"].(map[string]any)
			pattern, _ := json.Marshal(p["EventPattern"])
			if want := `{"detail":{"AutoScalingGroupName":[{"prefix":"eks-"}]},"detail-type":["EC2 Instance Launch Unsuccessful"],"source":["aws.autoscaling"]}`; string(pattern) != want {
				t.Errorf("pattern %s, want %s", pattern, want)
			}
			it := p["Targets"].([]any)[0].(map[string]any)["InputTransformer"].(map[string]any)
			paths := it["InputPathsMap"].(map[string]any)
			tmplText := it["InputTemplate"].(string)
			// EventBridge reads every <x> as a placeholder: each must be defined.
			for _, m := range regexp.MustCompile(`<([^<>]*)>`).FindAllStringSubmatch(tmplText, -1) {
				if _, ok := paths[m[1]]; !ok {
					t.Errorf("input template uses <%s>, which is not in InputPathsMap", m[1])
				}
			}
			// With each placeholder filled, the message is a Chatbot custom notification.
			// (a placeholder standing for a whole value is quoted by EventBridge).
			filled := regexp.MustCompile(`([:\[,])<[^<>]*>`).ReplaceAllString(tmplText, `$1"x"`)
			filled = regexp.MustCompile(`<[^<>]*>`).ReplaceAllString(filled, "x")
			var msg struct {
				Version, Source string
				Content         struct{ TextType, Title, Description string }
			}
			if err := json.Unmarshal([]byte(filled), &msg); err != nil {
				t.Fatalf("message is not JSON: %v\n%s", err, filled)
			}
			if msg.Version != "1.0" || msg.Source != "custom" || msg.Content.TextType != "client-markdown" || msg.Content.Description == "" {
				t.Errorf("not a Chatbot custom notification: %+v", msg)
			}
		}
		// EventBridge may publish to the encrypted topic.
		tmpl.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), map[string]any{
			"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Action": "sns:Publish", "Principal": map[string]any{"Service": "events.amazonaws.com"},
			})})}),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
			"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Principal": map[string]any{"Service": "events.amazonaws.com"}, "Action": []any{"kms:Decrypt", "kms:GenerateDataKey*"},
			})})}),
		})
	})
}
