// Package stacks maps one environment's config to its stacks. A stack only
// translates config into construct props and wires constructs together;
// what is provisioned, and how, lives in constructs/.
package stacks

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/delivery"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/cdkflags"
)

// FeatureFlags are the CDK feature flags the app is built with.
var FeatureFlags = cdkflags.FeatureFlags

// Environment is one env's Stage and its stacks.
type Environment struct {
	Config     *envs.Config
	Stage      awscdk.Stage
	GitHub     awscdk.Stack
	Logging    *LoggingStack
	Network    *NetworkStack
	Clusters   []*ClusterStack
	Edges      []*EdgeStack
	DNS        awscdk.Stack
	Monitoring *MonitoringStack
	// ServicesShared holds what the services share (a KMS key).
	ServicesShared *ServicesSharedStack
	Services       []*ServicesStack
}

// NewEnvironment builds cfg's Stage (its account and region, its stacks
// named <env>-<part>) with the compliance packs applied to all of it.
func NewEnvironment(app awscdk.App, cfg *envs.Config) *Environment {
	stage := awscdk.NewStage(app, jsii.String(cfg.Name), &awscdk.StageProps{
		Env: &awscdk.Environment{Account: jsii.String(cfg.Account), Region: jsii.String(cfg.Region)},
		// Every IAM role of the env, CDK's own included, carries the
		// boundary <env>-github defines: no role the platform creates can
		// reach beyond it (docs/delivery.md).
		PermissionsBoundary: awscdk.PermissionsBoundary_FromName(jsii.String(delivery.BoundaryName(cfg.Name))),
	})
	// The AZ list a lookup would return comes from config, so that synth
	// never needs credentials and the manifest has no missing context.
	stage.Node().SetContext(jsii.String(fmt.Sprintf("availability-zones:account=%s:region=%s", cfg.Account, cfg.Region)), cfg.AvailabilityZones)
	compliance.Apply(stage)
	for _, k := range slices.Sorted(maps.Keys(cfg.Tags)) {
		awscdk.Tags_Of(stage).Add(jsii.String(k), jsii.String(cfg.Tags[k]), nil)
	}
	awscdk.Tags_Of(stage).Add(jsii.String("environment"), jsii.String(cfg.Name), nil)

	e := &Environment{Config: cfg, Stage: stage}
	e.GitHub = NewGitHubStack(stage, cfg)
	e.Logging = NewLoggingStack(stage, cfg)
	e.Network = NewNetworkStack(stage, cfg, e.Logging)
	for _, cl := range cfg.Clusters {
		cs := NewClusterStack(stage, cfg, cl, e.Network, e.Logging)
		e.Clusters = append(e.Clusters, cs)
		e.Edges = append(e.Edges, NewEdgeStack(stage, cfg, cs, cl, e.Network, e.Logging))
	}
	e.DNS = NewDNSStack(stage, cfg, e.Edges)
	e.Monitoring = NewMonitoringStack(stage, cfg, e.Network, e.Logging, e.Clusters, e.Edges)
	if len(cfg.Services) > 0 {
		e.ServicesShared = NewServicesSharedStack(stage, cfg)
	}
	e.Services = NewServicesStacks(stage, cfg, servicesDeps{
		network: e.Network, logs: e.Logging, shared: e.ServicesShared, clusters: e.Clusters, monitoring: e.Monitoring,
	})
	return e
}

// stackName is the name of the stack <env>-<part>.
func stackName(cfg *envs.Config, part string) string {
	return cfg.Name + "-" + part
}

// edgePart is the part of the name of a cluster's edge stack.
func edgePart(cluster string) string {
	return "edge-" + cluster
}

// newStack creates the stack <env>-<part> with the env's protection.
func newStack(stage awscdk.Stage, cfg *envs.Config, part, description string) awscdk.Stack {
	return newStackProtected(stage, cfg, part, description, cfg.Protection.TerminationProtection)
}

// newClusterPartStack creates a stack of one cluster (its cluster or edge
// stack): a retiring cluster's stacks lose termination protection, the
// first step of their removal.
func newClusterPartStack(stage awscdk.Stage, cfg *envs.Config, cl envs.Cluster, part, description string) awscdk.Stack {
	return newStackProtected(stage, cfg, part, description, cfg.Protection.TerminationProtection && cl.State != envs.ClusterRetiring)
}

func newStackProtected(stage awscdk.Stage, cfg *envs.Config, part, description string, protected bool) awscdk.Stack {
	return awscdk.NewStack(stage, jsii.String(part), &awscdk.StackProps{
		StackName:             jsii.String(stackName(cfg, part)),
		Description:           jsii.String(fmt.Sprintf("%s (%s): %s", cfg.Name, part, description)),
		TerminationProtection: jsii.Bool(protected),
	})
}

// removalPolicy is what happens to stateful resources when they leave the
// stack: kept in envs that retain data, destroyed in dev.
func removalPolicy(cfg *envs.Config) awscdk.RemovalPolicy {
	if cfg.Protection.RetainStatefulResources {
		return awscdk.RemovalPolicy_RETAIN
	}
	return awscdk.RemovalPolicy_DESTROY
}
