package stacks

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/ecplatform/eks-platform/constructs/monitoring"
	"github.com/ecplatform/eks-platform/envs"
)

// ServicesStack is <env>-services-NN: the per-service resources of the
// services whose names hash to shard NN (envs.ServiceShard), so that no
// stack outgrows CloudFormation's 500 resources as services are added and
// no service ever moves to another stack. Today it holds each service's
// log line alarms, per cluster.
type ServicesStack struct {
	awscdk.Stack
	Shard    int
	Services []string
}

// NewServicesStacks builds one stack per shard that has a service, in
// shard order.
func NewServicesStacks(stage awscdk.Stage, cfg *envs.Config, logs *LoggingStack, clusters []*ClusterStack, mon *MonitoringStack) []*ServicesStack {
	groups := envs.ServicesByShard(cfg.Logging.Services)
	shards := make([]int, 0, len(groups))
	for s := range groups {
		shards = append(shards, s)
	}
	sort.Ints(shards)
	alarms := map[string][]envs.LogAlarm{}
	for _, a := range cfg.Monitoring.EffectiveLogAlarms(cfg.Logging.Services) {
		alarms[a.Service] = append(alarms[a.Service], a)
	}
	var out []*ServicesStack
	for _, shard := range shards {
		services := groups[shard]
		s := &ServicesStack{Shard: shard, Services: services, Stack: newStack(stage, cfg, envs.ShardName(shard), "per-service resources of "+listed(services, 400))}
		for _, svc := range services {
			for _, cs := range clusters {
				for _, a := range alarms[svc] {
					muteIf(cs.Retiring, monitoring.NewLogLineAlarm(s.Stack, fmt.Sprintf("Log-%s-%s-%s", cs.ShortName, a.Service, a.Level), monitoring.LogLineAlarmProps{
						Cluster: cs.Cluster.Name, Service: a.Service, Level: string(a.Level),
						Metric:       logs.Alerting.Metric(cs.Cluster.Name, a.Service, string(a.Level)),
						LogGroupName: logs.Alerting.Name, MaxPerFiveMinutes: a.MaxPerFiveMinutes, Action: mon.Channel.Action,
					}))
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// listed joins names for a stack description, which CloudFormation caps at
// 1,024 bytes (the CDK at 512 characters): as many as fit in max bytes,
// then how many more.
func listed(names []string, max int) string {
	out := ""
	for i, n := range names {
		next := out
		if i > 0 {
			next += ", "
		}
		next += n
		if len(next) > max {
			return fmt.Sprintf("%s and %d more", out, len(names)-i)
		}
		out = next
	}
	return out
}
