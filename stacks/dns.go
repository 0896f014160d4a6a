package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/ecplatform/eks-platform/constructs/dns"
	"github.com/ecplatform/eks-platform/envs"
)

// NewDNSStack is <env>-dns: the weighted records that spread the external
// and internal API names across the clusters' ALBs (the whole-cluster
// canary and migration).
func NewDNSStack(stage awscdk.Stage, cfg *envs.Config, edges []*EdgeStack) awscdk.Stack {
	s := newStack(stage, cfg, "dns", "Route 53 weighted records across clusters")
	e := cfg.Edge
	var external, internal []dns.WeightedTarget
	for _, es := range edges {
		w := e.ClusterWeights[es.Cluster]
		external = append(external, dns.WeightedTarget{SetIdentifier: es.Cluster, Weight: w, LoadBalancer: es.External.LoadBalancer})
		internal = append(internal, dns.WeightedTarget{SetIdentifier: es.Cluster, Weight: w, LoadBalancer: es.Internal.LoadBalancer})
	}
	dns.NewWeightedAliasRecords(s, "External", dns.WeightedAliasRecordsProps{
		ZoneID: e.PublicZone.ID, ZoneName: e.PublicZone.Name, RecordName: e.ExternalName,
		Targets: external, HealthCheckPath: e.ApiGateway.HealthCheckPath,
	})
	// Route 53 health checkers cannot reach an internal ALB: its records
	// rely on the ALB's own target health.
	dns.NewWeightedAliasRecords(s, "Internal", dns.WeightedAliasRecordsProps{
		ZoneID: e.PrivateZone.ID, ZoneName: e.PrivateZone.Name, RecordName: e.InternalName,
		Targets: internal,
	})
	return s
}
