package monitoring

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
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
	artifacts := NewArtifactsBucket(stack, "Artifacts", archive.Key, archive.AccessLogBucket, "")
	NewCanary(stack, "External", CanaryProps{Name: "prd-api-external", URL: "https://api.shop.example.com/healthz", ArtifactsBucket: artifacts, AlarmAction: channel.Action, Runbook: "docs/runbook.md"})
	NewCanary(stack, "Internal", CanaryProps{Name: "prd-api-internal", URL: "https://api.shop.internal/healthz", Vpc: net.Vpc, ArtifactsBucket: artifacts, AlarmAction: channel.Action, Runbook: "docs/runbook.md"})
	NewWafAlarms(stack, "Waf", "prd-blue-external", 1000, channel.Action)
	NewFirehoseAlarms(stack, "AppLogs", "prd-app-logs", channel.Action)
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
			"Schedule":  assertions.Match_ObjectLike(&map[string]any{"Expression": "rate(5 minutes)"}),
			"VPCConfig": assertions.Match_Absent(),
		})
		tmpl.HasResourceProperties(jsii.String("AWS::Synthetics::Canary"), map[string]any{
			"Name": "prd-api-internal", "VPCConfig": assertions.Match_ObjectLike(&map[string]any{"SecurityGroupIds": assertions.Match_AnyValue()}),
		})
	})
	t.Run("every alarm notifies the channel and says where to look", func(t *testing.T) {
		alarms := *tmpl.FindResources(jsii.String("AWS::CloudWatch::Alarm"), nil)
		if len(alarms) != 2+2+1+2 {
			t.Errorf("%d alarms, want 7 (2 per canary, WAF, 2 Firehose)", len(alarms))
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
	})
}
