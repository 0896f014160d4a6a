package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"

	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/constructs/monitoring"
	"github.com/ecplatform/eks-platform/envs"
)

// runbook is where every alarm of the platform sends the on-call.
const runbook = "follow docs/runbook.md in the platform repository"

// MonitoringStack is <env>-monitoring.
type MonitoringStack struct {
	awscdk.Stack
	// Channel is where every alarm of the env goes: Slack.
	Channel *monitoring.AlarmChannel
}

// NewMonitoringStack is <env>-monitoring: the alarm channel to Slack, the
// canaries against the external name (from the internet) and the internal
// name (from inside the VPC), and the alarms on the edge, the clusters and
// the log pipeline. The services' own alarms are in their services stacks.
func NewMonitoringStack(stage awscdk.Stage, cfg *envs.Config, net *NetworkStack, logs *LoggingStack, clusters []*ClusterStack, edges []*EdgeStack) *MonitoringStack {
	s := newStack(stage, cfg, "monitoring", "canaries and alarms to Slack")
	m, e := cfg.Monitoring, cfg.Edge
	channel := monitoring.NewAlarmChannel(s, "Alarms", monitoring.AlarmChannelProps{
		Name: cfg.Name, SlackWorkspaceID: m.Slack.WorkspaceID, SlackChannelID: m.Slack.ChannelID, RemovalPolicy: removalPolicy(cfg),
		// Every stack of the env is <env>-<part>: its alarms and no other.
		AlarmNamePrefix: cfg.Name + "-",
	})
	artifacts := monitoring.NewArtifactsBucket(s, "CanaryArtifacts", monitoring.ArtifactsBucketProps{
		Key: logs.Archive.App.Key, AccessLogBucket: logs.Archive.AccessLogBucket, AccessLogBucketName: AccessLogBucketName(cfg),
		RemovalPolicy: removalPolicy(cfg),
	})
	monitoring.NewCanary(s, "ExternalCanary", monitoring.CanaryProps{
		Name: cfg.Name + "-api-external", URL: "https://" + e.ExternalName + e.ApiGateway.HealthCheckPath,
		EveryMinutes: m.CanaryEveryMinutes, ArtifactsBucket: artifacts, ArtifactsKey: logs.Archive.App.Key, AlarmAction: channel.Action, Runbook: runbook,
	})
	monitoring.NewCanary(s, "InternalCanary", monitoring.CanaryProps{
		Name: cfg.Name + "-api-internal", URL: "https://" + e.InternalName + e.ApiGateway.HealthCheckPath, Vpc: net.Network.Vpc,
		TrustedCaPEM: e.InternalCaCertificate,
		EveryMinutes: m.CanaryEveryMinutes, ArtifactsBucket: artifacts, ArtifactsKey: logs.Archive.App.Key, AlarmAction: channel.Action, Runbook: runbook,
	})
	for _, es := range edges {
		// In a fixed order: the template's resources are in the order they
		// are made, and a synth must give the same bytes every time.
		for _, side := range []struct {
			key string
			alb elbv2.ApplicationLoadBalancer
		}{{"external", es.External.LoadBalancer}, {"internal", es.Internal.LoadBalancer}} {
			key, alb := side.key, side.alb
			t := es.Targets[key]
			alarms := monitoring.NewAlbAlarms(s, fmt.Sprintf("Alb-%s-%s", es.Cluster, key), monitoring.AlbAlarmsProps{
				Name: fmt.Sprintf("%s %s %s", cfg.Name, es.Cluster, key), LoadBalancer: alb,
				Targets: []monitoring.AlbTarget{
					{Group: t.Stable, Service: e.ApiGateway.Service},
					{Group: t.Canary, Service: e.ApiGateway.CanaryService},
				},
				ApiGatewayNamespace: e.ApiGateway.Namespace, HealthCheckPath: e.ApiGateway.HealthCheckPath,
				ErrorsQuery: logging.ErrorsQueryName, AlertingLogGroup: logs.Alerting.Name,
				Action: channel.Action, Max5xxPerFiveMinutes: m.Max5xxPerFiveMinutes,
			})
			muteIf(es.Retiring, alarms)
		}
		muteIf(es.Retiring, monitoring.NewWafAlarms(s, "Waf-"+es.Cluster, es.WebAclName, m.MaxWafBlockedPerFiveMinutes, channel.Action))
	}
	for _, cs := range clusters {
		name := cs.Cluster.Name
		muteIf(cs.Retiring, monitoring.NewClusterAlarms(s, "Cluster-"+cs.ShortName, monitoring.ClusterAlarmsProps{
			ClusterName: name, Action: channel.Action, MaxNodeUtilizationPercent: m.MaxNodeUtilizationPercent,
		}))
	}
	if logs.Falco != nil {
		monitoring.NewFalcoAlarm(s, "FalcoEvents", monitoring.FalcoAlarmProps{
			Metric: logs.Falco.Metric(), LogGroupName: logs.Alerting.Name, MinPriority: string(cfg.Security.Falco.MinPriority),
			EventsQuery: logging.FalcoEventsQueryName, ShellsQuery: logging.FalcoShellsQueryName, Action: channel.Action,
		})
	}
	monitoring.NewNodeGroupLaunchAlerts(s, "NodeGroupLaunchFailures", monitoring.NodeGroupLaunchAlertsProps{Channel: channel, Name: cfg.Name})
	type watched struct {
		*logging.LogDeliveryStream
		continuous bool
	}
	streams := []watched{{logs.AppLogs, true}, {logs.NodeLogs, true}, {logs.WafLogs, false}, {logs.DbAuditLogs, false}}
	if logs.NodeSessionLogs != nil {
		// Sessions are rare: silence is no fault.
		streams = append(streams, watched{logs.NodeSessionLogs, false})
	}
	for _, stream := range streams {
		name := *stream.Stream.DeliveryStreamName()
		monitoring.NewFirehoseAlarms(s, "Firehose-"+name, monitoring.FirehoseAlarmsProps{StreamName: name, Action: channel.Action, Continuous: stream.continuous})
	}
	return &MonitoringStack{Stack: s, Channel: channel}
}

// muteIf mutes the alarms of what is retiring: a cluster at weight 0 on
// its way out pages nobody.
func muteIf(retiring bool, set *monitoring.AlarmSet) {
	if retiring {
		set.Mute()
	}
}
