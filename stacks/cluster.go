package stacks

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/constructs/logshipper"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/spec"
)

// ClusterStack is <env>-cluster-<name>: one EKS cluster and its node groups.
type ClusterStack struct {
	awscdk.Stack
	// ShortName is the config's name for the cluster (blue); the cluster's
	// own name is <env>-<short name>.
	ShortName string
	// Retiring is set for a cluster in state retiring.
	Retiring bool
	Cluster  *cluster.Cluster
	// ApiGatewayNamespace holds the API gateway's Services, which the
	// edge's TargetGroupBindings target.
	ApiGatewayNamespace *cluster.Namespace
	// Falco is the cluster's runtime security; nil when the env runs none.
	Falco *cluster.Falco
	// Istio is the cluster's mesh, nil where config runs none.
	Istio *cluster.Istio
	// Datadog is the cluster's Datadog Agent, nil where the env has none.
	Datadog *cluster.Datadog
}

var capacityTypes = map[envs.CapacityType]awseksv2.CapacityType{
	envs.OnDemand: awseksv2.CapacityType_ON_DEMAND,
	envs.Spot:     awseksv2.CapacityType_SPOT,
}

var taintEffects = map[envs.TaintEffect]awseksv2.TaintEffect{
	"NO_SCHEDULE":        awseksv2.TaintEffect_NO_SCHEDULE,
	"PREFER_NO_SCHEDULE": awseksv2.TaintEffect_PREFER_NO_SCHEDULE,
	"NO_EXECUTE":         awseksv2.TaintEffect_NO_EXECUTE,
}

// NewClusterStack maps one cluster's config to the cluster constructs.
func NewClusterStack(stage awscdk.Stage, cfg *envs.Config, cl envs.Cluster, net *NetworkStack, logs *LoggingStack) *ClusterStack {
	s := &ClusterStack{ShortName: cl.Name, Retiring: cl.State == envs.ClusterRetiring,
		Stack: newClusterPartStack(stage, cfg, cl, "cluster-"+cl.Name, "EKS cluster "+cl.Name+" ("+cl.Version+") and its versioned node groups")}
	version, _ := spec.LookupVersion(cl.Version)
	layer := awslambda.NewLayerVersion(s.Stack, jsii.String("KubectlLayer"), &awslambda.LayerVersionProps{
		Code:        awslambda.Code_FromAsset(jsii.String(filepath.Join(nodeModules(), version.KubectlLayerPackage, "lib", "layer.zip")), nil),
		Description: jsii.String("kubectl and helm from " + version.KubectlLayerPackage),
	})
	s.Cluster = cluster.NewCluster(s.Stack, "Cluster", cluster.ClusterProps{
		Vpc:               net.Network.Vpc,
		Version:           cl.Version,
		ServiceCidr:       cl.ServiceCidr,
		PublicAccessCidrs: cl.Endpoint.PublicAccessCidrs,
		AdminRoleArns:     cl.Access.AdminRoleArns,
		ReadOnlyRoleArns:  cl.Access.ReadOnlyRoleArns,
		AccessEntryIDs:    deployedAccessEntryIDs[stackName(cfg, "cluster-"+cl.Name)],
		AddonVersions:     cl.Addons,
		KubectlLayer:      layer,
		RemovalPolicy:     removalPolicy(cfg),
		Retiring:          cl.State == envs.ClusterRetiring,
		// A stable name gives the control-plane logs a log group we own.
		Name: cfg.Name + "-" + cl.Name,
		// The cluster's edge creates the target groups bound to its pods.
		TargetGroupStacks: []string{stackName(cfg, edgePart(cl.Name))},
		NodeSessions:      nodeSessions(cfg),
	})
	for _, g := range cl.NodeGroups {
		var taints []*awseksv2.TaintSpec
		for _, t := range g.Taints {
			taints = append(taints, &awseksv2.TaintSpec{Key: jsii.String(t.Key), Value: jsii.String(t.Value), Effect: taintEffects[t.Effect]})
		}
		s.Cluster.AddNodeGroup(cluster.VersionedNodeGroupProps{
			Name:          g.ID(),
			Pool:          g.Pool,
			Version:       g.Version,
			AmiType:       cluster.NodegroupAmiType(string(g.AmiType)),
			InstanceTypes: g.InstanceTypes,
			CapacityType:  capacityTypes[g.CapacityType],
			MinSize:       g.MinSize,
			DesiredSize:   g.DesiredSize,
			MaxSize:       g.MaxSize,
			DiskSizeGiB:   g.DiskSizeGiB,
			Labels:        g.Labels,
			Taints:        taints,
			Draining:      g.State == envs.NodeGroupDraining,
		})
	}
	// The services stacks apply each service's objects through the
	// cluster's kubectl provider, found by these parameters.
	s.Cluster.Publish(clusterParameterPrefix(cfg, cl.Name))
	var gatewayLabels map[string]string
	if cl.Istio != nil {
		s.Istio = s.Cluster.AddIstio(cluster.IstioProps{Revisions: cl.Istio.Revisions, DefaultRevision: cl.Istio.Revision})
		if rev := cl.Istio.RevisionOf(cfg.Edge.ApiGateway.Namespace, cl.Istio.ApiGateway); rev != "" {
			gatewayLabels = cluster.InjectionLabels(rev)
		}
	}
	s.ApiGatewayNamespace = cluster.NewNamespace(s.Stack, "ApiGatewayNamespace", cluster.NamespaceProps{
		Cluster: s.Cluster.Cluster,
		Name:    cfg.Edge.ApiGateway.Namespace,
		Labels:  gatewayLabels,
	})
	if d := cfg.Datadog; d != nil {
		s.Datadog = s.Cluster.AddDatadog(cluster.DatadogProps{
			ApiKeySecretArn: d.ApiKeySecretArn, ApiKeyField: d.ApiKeyField, Site: d.Site, Env: cfg.Name,
		})
	}
	// Scope and id as when the shipper was part of the cluster construct:
	// its resources keep their logical ids.
	logshipper.NewLogShipper(s.Cluster.Construct, "LogShipper", logshipper.LogShipperProps{
		Cluster: s.Cluster, LogKey: s.Cluster.LogKey, RemovalPolicy: removalPolicy(cfg),
		PerformanceLogRetention: logging.Retention(cfg.Monitoring.PerformanceLogRetentionDays),
		Routes: logshipper.LogRoutes{
			AlertingLevels:   cfg.Monitoring.AlertingLogs.LevelNames(),
			AlertingLogGroup: logs.Alerting.Name,
			AppStream:        *logs.AppLogs.Stream.DeliveryStreamName(),
			NodeStream:       *logs.NodeLogs.Stream.DeliveryStreamName(),
		},
		StreamArns: []*string{logs.AppLogs.Arn, logs.NodeLogs.Arn},
	})
	if f := cfg.Security.Falco; f.Enabled {
		s.Falco = s.Cluster.AddFalco(cluster.FalcoProps{
			AlertingLogGroup: logs.Alerting.Name,
			MinPriority:      string(f.MinPriority),
		})
	}
	return s
}

// nodeSessions is where the nodes' Session Manager sessions are logged, by
// name (the logging stack creates both), or nil when they are off.
func nodeSessions(cfg *envs.Config) *cluster.NodeSessions {
	if !cfg.Logging.NodeSessionLogs.Enabled {
		return nil
	}
	return &cluster.NodeSessions{LogGroupName: NodeSessionLogGroup(cfg), KeyArnParameter: NodeSessionKeyParameter(cfg)}
}

// nodeModules finds the project's node_modules (installed from
// package-lock.json) from the working directory or one of its parents, so
// that the app and the tests find the kubectl layer wherever they run.
func nodeModules() string {
	dir, err := os.Getwd()
	if err != nil {
		return "node_modules"
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "node_modules", "@aws-cdk")); err == nil {
			return filepath.Join(d, "node_modules")
		}
		if filepath.Dir(d) == d {
			return "node_modules"
		}
	}
}

// clusterParameterPrefix is where a cluster publishes what other stacks
// need to reach it (cluster.ClusterReference).
func clusterParameterPrefix(cfg *envs.Config, cluster string) string {
	return "/platform/" + cfg.Name + "/clusters/" + cluster
}
