package spec

// PlatformNamespace is a namespace the platform's own components run in.
type PlatformNamespace struct {
	Name string
	// Holds says what runs there.
	Holds string
}

// PlatformNamespaces is the one table of the namespaces the cluster and
// the platform run their components in. No service may be named after one
// (config refuses it), and the log shipper never copies their lines to the
// alerting group: their errors are the platform's, watched by its own
// alarms, and would otherwise page as a service's.
var PlatformNamespaces = []PlatformNamespace{
	{"kube-system", "CoreDNS, the VPC CNI, kube-proxy, the AWS Load Balancer Controller"},
	{"kube-public", "the cluster-info ConfigMap"},
	{"kube-node-lease", "node heartbeats"},
	{ObservabilityNamespace, "the CloudWatch agent and Fluent Bit themselves"},
	// Falco's events carry a priority, not a level, so none would match
	// the alerting rule; the namespace is listed so that no line of Falco
	// or Falcosidekick is ever copied by the shipper: events at or above
	// the env's minimum priority reach the alerting group once, through
	// Falcosidekick, and every event is archived under service=falco.
	{FalcoNamespace, "Falco and Falcosidekick"},
	{IstioNamespace, "istiod and the Istio CNI node agent"},
	{DatadogNamespace, "the Datadog Agent and Cluster Agent"},
}

// IsPlatformNamespace reports whether name is one of PlatformNamespaces.
func IsPlatformNamespace(name string) bool {
	for _, n := range PlatformNamespaces {
		if n.Name == name {
			return true
		}
	}
	return false
}
