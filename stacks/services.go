package stacks

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/constructs/monitoring"
	"github.com/ecplatform/eks-platform/constructs/service"
	"github.com/ecplatform/eks-platform/envs"
)

// ServicesStack is <env>-services-NN: the resources of the services whose
// names hash to shard NN (envs.ServiceShard), so that no stack outgrows
// CloudFormation's 500 resources as services are added and no service
// ever moves to another stack. For each catalog service it holds its
// repository, identity, data store, alarms, dashboard and its objects on
// every cluster it runs on; for each service it holds its log line alarms,
// per cluster.
type ServicesStack struct {
	awscdk.Stack
	Shard    int
	Services []string
	// Catalog are the stack's catalog services by name.
	Catalog map[string]*service.Service
}

// servicesDeps are the stacks the services stacks take from.
type servicesDeps struct {
	network    *NetworkStack
	logs       *LoggingStack
	shared     *ServicesSharedStack
	clusters   []*ClusterStack
	monitoring *MonitoringStack
}

// NewServicesStacks builds one stack per shard that has a service, in
// shard order.
func NewServicesStacks(stage awscdk.Stage, cfg *envs.Config, d servicesDeps) []*ServicesStack {
	groups := envs.ServicesByShard(cfg.LoggingServices())
	shards := make([]int, 0, len(groups))
	for s := range groups {
		shards = append(shards, s)
	}
	sort.Ints(shards)
	alarms := map[string][]envs.LogAlarm{}
	for _, a := range cfg.Monitoring.EffectiveLogAlarms(cfg.LoggingServices()) {
		alarms[a.Service] = append(alarms[a.Service], a)
	}
	catalog := map[string]envs.Service{}
	for _, svc := range cfg.Services {
		catalog[svc.Name] = svc
	}
	clusterStacks := map[string]*ClusterStack{}
	for _, cs := range d.clusters {
		clusterStacks[cs.ShortName] = cs
	}
	var out []*ServicesStack
	for _, shard := range shards {
		names := groups[shard]
		s := &ServicesStack{Shard: shard, Services: names, Catalog: map[string]*service.Service{},
			Stack: newStack(stage, cfg, envs.ShardName(shard), "services "+listed(names, 400))}
		refs := map[string]*cluster.ReferencedCluster{}
		for _, name := range names {
			var logAlarms []*monitoring.AlarmSet
			var errorLines []awscloudwatch.IMetric
			for _, cs := range d.clusters {
				for _, a := range alarms[name] {
					metric := d.logs.Alerting.Metric(cs.Cluster.Name, a.Service, string(a.Level))
					set := monitoring.NewLogLineAlarm(s.Stack, fmt.Sprintf("Log-%s-%s-%s", cs.ShortName, a.Service, a.Level), monitoring.LogLineAlarmProps{
						Cluster: cs.Cluster.Name, Service: a.Service, Level: string(a.Level),
						Metric: metric, LogGroupName: d.logs.Alerting.Name, MaxPerFiveMinutes: a.MaxPerFiveMinutes, Action: d.monitoring.Channel.Action,
					})
					muteIf(cs.Retiring, set)
					logAlarms = append(logAlarms, set)
					errorLines = append(errorLines, metric.With(&awscloudwatch.MetricOptions{Label: jsii.String(cs.ShortName + " " + string(a.Level))}))
				}
			}
			svc, ok := catalog[name]
			if !ok {
				continue
			}
			var clusters []*cluster.ReferencedCluster
			for _, cl := range cfg.ActiveClusters(svc) {
				cs := clusterStacks[cl.Name]
				if refs[cs.ShortName] == nil {
					refs[cs.ShortName] = cluster.Reference(s.Stack, "Cluster-"+cs.ShortName, cluster.ClusterReference{
						Name: cs.Cluster.Name, ParameterPrefix: clusterParameterPrefix(cfg, cs.ShortName),
					})
					// The parameters are read at deploy: the cluster's stack goes first.
					s.Stack.AddStackDependency(cs.Stack, jsii.String("its services run on the cluster"))
				}
				clusters = append(clusters, refs[cs.ShortName])
			}
			built := newService(s.Stack, cfg, svc, clusters, d)
			s.Catalog[name] = built
			// Its saved Athena queries name the logging stack's workgroup.
			logging.NewServiceQueries(built.Construct, "Queries", logging.ServiceQueriesProps{
				Database: d.logs.Catalog.DatabaseName, WorkGroup: d.logs.Catalog.WorkGroupName, Service: name,
			})
			s.Stack.AddStackDependency(d.logs.Stack, jsii.String("its saved queries are in the logging stack's Athena workgroup"))
			var storeAlarms []*monitoring.AlarmSet
			switch {
			case built.Database != nil:
				storeAlarms = append(storeAlarms, monitoring.NewAuroraAlarms(built.Construct, "Alarms", monitoring.AuroraAlarmsProps{
					Service: name, ClusterIdentifier: built.Database.Identifier, Serverless: built.Database.Serverless,
					MaxConnections: built.Database.MaxConnections * 8 / 10, Action: d.monitoring.Channel.Action,
				}))
			case built.Table != nil:
				storeAlarms = append(storeAlarms, monitoring.NewTableAlarms(built.Construct, "Alarms", monitoring.TableAlarmsProps{
					Service: name, TableName: tableName(cfg, name), Action: d.monitoring.Channel.Action,
				}))
			}
			monitoring.NewServiceDashboard(built.Construct, "Dashboard", monitoring.ServiceDashboardProps{
				Name: cfg.Name + "-" + name, Service: name, ErrorLines: errorLines, Alarms: append(storeAlarms, logAlarms...),
			})
		}
		out = append(out, s)
	}
	return out
}

// newService maps one catalog entry to the service construct.
func newService(scope awscdk.Stack, cfg *envs.Config, svc envs.Service, clusters []*cluster.ReferencedCluster, d servicesDeps) *service.Service {
	// By the cluster's physical name, as the references name them.
	meshRevisions := map[string]string{}
	for _, cl := range cfg.Clusters {
		if rev := cfg.MeshRevision(svc, cl.Name); rev != "" {
			meshRevisions[cfg.Name+"-"+cl.Name] = rev
		}
	}
	props := service.ServiceProps{
		MeshRevisions: meshRevisions,
		Name:          svc.Name, Namespace: svc.Namespace(), ServiceAccount: svc.ServiceAccount,
		Clusters:         clusters,
		Vpc:              d.network.Network.Vpc,
		RepositoryName:   "services/" + svc.Name,
		SharedKey:        d.shared.Key,
		SecretsPrefix:    cfg.Name + "/" + svc.Name + "/",
		GatewayNamespace: cfg.Edge.ApiGateway.Namespace,
		RemovalPolicy:    removalPolicy(cfg),
	}
	if len(svc.Routes) > 0 {
		routes := make([]service.Route, len(svc.Routes))
		for i, r := range svc.Routes {
			routes[i] = service.Route{Prefix: r.Prefix, Target: routeTargets[r.Target], CanaryWeight: r.CanaryWeight}
		}
		table := service.NewRouteTable(svc.Name, svc.Namespace(), svc.Port, cfg.Edge.ApiGateway.Fallback, routes)
		props.Routes = &table
	}
	switch ds := svc.DataStore; ds.Kind {
	case envs.DataStoreAurora:
		a := ds.Aurora
		props.Aurora = &service.AuroraDatabaseProps{
			Identifier:          cfg.Name + "-" + svc.Name,
			DatabaseName:        service.DatabaseUser(svc.Name),
			Vpc:                 d.network.Network.Vpc,
			EngineVersion:       a.EngineVersion,
			Instances:           a.Instances,
			BackupRetentionDays: a.BackupRetentionDays,
			AuditLog:            a.AuditLog,
			LogRetention:        logging.Retention(cfg.Monitoring.AlertingLogs.RetentionDays),
			AuditLogs:           service.LogSubscription{DestinationArn: d.logs.DbAuditLogs.Arn, RoleArn: d.logs.DbAuditLogs.SubscriptionRole.RoleArn()},
			RemovalPolicy:       removalPolicy(cfg),
		}
		if a.Capacity == envs.AuroraProvisioned {
			props.Aurora.InstanceClass = a.InstanceClass
		} else {
			props.Aurora.MinAcu, props.Aurora.MaxAcu = a.MinAcu, a.MaxAcu
		}
	case envs.DataStoreDynamoDB:
		t := ds.DynamoDB
		props.Table = &service.ServiceTableProps{
			Name: tableName(cfg, svc.Name), PartitionKey: t.PartitionKey, SortKey: t.SortKey,
			RemovalPolicy: removalPolicy(cfg),
		}
		if !t.OwnKey {
			props.Table.Key = d.shared.Key
		}
	}
	return service.NewService(scope, "Service-"+svc.Name, props)
}

var routeTargets = map[envs.RouteTarget]service.RouteTarget{
	envs.RouteToService:  service.TargetService,
	envs.RouteToFallback: service.TargetFallback,
}

// tableName is a service's DynamoDB table.
func tableName(cfg *envs.Config, svc string) string { return cfg.Name + "-" + svc }

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
