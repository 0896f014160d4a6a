// Package cluster provisions EKS clusters and their versioned managed node
// groups: the part of the platform that must stay upgradable for years.
package cluster

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
)

// Version is one Kubernetes minor version the platform builds, with what
// the cluster needs pinned for it. Pinning (instead of "latest") makes every
// add-on change a reviewed config or code change.
type Version struct {
	// Minor is the version as config spells it, e.g. "1.34".
	Minor string
	// Kubernetes is the awseksv2 constant for the control plane.
	Kubernetes awseksv2.KubernetesVersion
	// KubectlLayerPackage is the npm package (installed from
	// package-lock.json) whose lib/layer.zip holds the kubectl and helm the
	// kubectl provider runs; kubectl supports one minor of skew either way.
	KubectlLayerPackage string
	// Addons are the pinned managed add-on versions, by add-on name.
	Addons map[string]string
}

// Managed add-ons every cluster runs.
const (
	AddonVpcCni           = "vpc-cni"
	AddonCoreDNS          = "coredns"
	AddonKubeProxy        = "kube-proxy"
	AddonPodIdentityAgent = "eks-pod-identity-agent"
	AddonEbsCsiDriver     = "aws-ebs-csi-driver"
)

// Addons lists the managed add-ons every Cluster installs, in install order.
var Addons = []string{AddonVpcCni, AddonKubeProxy, AddonCoreDNS, AddonPodIdentityAgent, AddonEbsCsiDriver}

// AddonCloudWatchObservability is the CloudWatch agent (Container Insights)
// and Fluent Bit; a LogShipper installs it.
const AddonCloudWatchObservability = "amazon-cloudwatch-observability"

// PinnedAddons are all add-ons with a pinned version; config may override
// any of them per cluster.
var PinnedAddons = append(append([]string{}, Addons...), AddonCloudWatchObservability)

// cloudWatchObservabilityVersion is the add-on release of the
// amazon-cloudwatch-observability Helm chart 6.4.0 (aws-for-fluent-bit
// 3.4.8), whose Fluent Bit files (containerLogs.fluentBit.config.extraFiles)
// LogShipper replaces; it is offered for Kubernetes 1.31 to 1.35.
const cloudWatchObservabilityVersion = "v6.4.0-eksbuild.1"

// Falco and Falcosidekick, each from its pinned Helm chart of
// https://falcosecurity.github.io/charts and its pinned image: the Falco
// chart 9.1.0 deploys Falco 0.44.1 (whose image carries the falco-rules
// 5.1.0 rule set and the container plugin 0.7.1), the Falcosidekick chart
// 0.14.0 deploys Falcosidekick 2.32.0 (aws-sdk-go-v2 credentials v1.16.2,
// which reads EKS Pod Identity's credentials; 1.16.0 was the first). Both
// run on every Kubernetes version of the table: Falco's modern eBPF probe
// needs a kernel with BTF (5.8 and later), which AL2023 and Bottlerocket,
// the only AMIs envs accepts, ship. internal/k8scheck checks the values
// against these chart versions' values.yaml.
const (
	FalcoChartVersion         = "9.1.0"
	FalcoVersion              = "0.44.1"
	FalcosidekickChartVersion = "0.14.0"
	FalcosidekickVersion      = "2.32.0"
)

// MaxNodeSkewMinors is how many minors a node's kubelet may lag the control
// plane: 3 under the Kubernetes version skew policy EKS applies from 1.28.
const MaxNodeSkewMinors = 3

// versions is the one table of supported versions. EKS offers 1.32 to 1.36
// in late 2026; 1.36 is left out until a kubectl 1.36 layer is published
// on npm. Add-on versions are those EKS lists for each minor
// (`aws eks describe-addon-versions --kubernetes-version 1.34`); a cluster
// can override one in config.
var versions = []Version{
	{Minor: "1.32", Kubernetes: awseksv2.KubernetesVersion_V1_32(), KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v33", Addons: map[string]string{
		AddonVpcCni: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.11.4-eksbuild.14", AddonKubeProxy: "v1.32.6-eksbuild.8",
		AddonPodIdentityAgent: "v1.3.8-eksbuild.2", AddonEbsCsiDriver: "v1.48.0-eksbuild.2",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
	{Minor: "1.33", Kubernetes: awseksv2.KubernetesVersion_V1_33(), KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v33", Addons: map[string]string{
		AddonVpcCni: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.12.1-eksbuild.2", AddonKubeProxy: "v1.33.3-eksbuild.6",
		AddonPodIdentityAgent: "v1.3.8-eksbuild.2", AddonEbsCsiDriver: "v1.48.0-eksbuild.2",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
	{Minor: "1.34", Kubernetes: awseksv2.KubernetesVersion_V1_34(), KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v34", Addons: map[string]string{
		AddonVpcCni: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.12.4-eksbuild.1", AddonKubeProxy: "v1.34.0-eksbuild.4",
		AddonPodIdentityAgent: "v1.3.9-eksbuild.3", AddonEbsCsiDriver: "v1.50.1-eksbuild.1",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
	{Minor: "1.35", Kubernetes: awseksv2.KubernetesVersion_V1_35(), KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v35", Addons: map[string]string{
		AddonVpcCni: "v1.21.1-eksbuild.1", AddonCoreDNS: "v1.13.1-eksbuild.1", AddonKubeProxy: "v1.35.0-eksbuild.2",
		AddonPodIdentityAgent: "v1.3.10-eksbuild.1", AddonEbsCsiDriver: "v1.53.0-eksbuild.1",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
}

// LookupVersion returns the table entry of a minor version such as "1.34".
func LookupVersion(minor string) (Version, bool) {
	for _, v := range versions {
		if v.Minor == minor {
			return v, true
		}
	}
	return Version{}, false
}

// SupportedVersions lists the supported minors, oldest first.
func SupportedVersions() []string {
	out := make([]string, len(versions))
	for i, v := range versions {
		out[i] = v.Minor
	}
	sort.Strings(out)
	return out
}

// mustVersion is LookupVersion for props already validated.
func mustVersion(minor string) Version {
	v, ok := LookupVersion(minor)
	if !ok {
		panic(fmt.Sprintf("kubernetes version %q is not in the version table", minor))
	}
	return v
}

// IstioRelease is one Istio release the platform installs, as a control
// plane revision: istiod-<Revision> serves the namespaces labelled
// istio.io/rev=<Revision>, so two releases run side by side during an
// upgrade (docs/runbook.md, "Istio").
type IstioRelease struct {
	// Revision names the control plane: the release's minor with a dash,
	// e.g. "1-30" (a revision is a DNS label: no dots).
	Revision string
	// Version is the Helm chart version of base, istiod and cni, which is
	// also the Istio (and proxy image) version, e.g. "1.30.3".
	Version string
}

// IstioChartRepository is where Istio publishes its Helm charts.
const IstioChartRepository = "https://istio-release.storage.googleapis.com/charts"

// istioReleases is the one table of Istio releases: one patch per minor,
// pinned so that a patch upgrade is a reviewed code change. Each release's
// charts are checked by internal/k8scheck (charts.go) against the chart
// sources of the istio.io/istio module go.mod pins.
var istioReleases = []IstioRelease{
	{Revision: "1-29", Version: "1.29.6"},
	{Revision: "1-30", Version: "1.30.3"},
}

// LookupIstioRelease returns the table entry of a revision such as "1-30".
func LookupIstioRelease(revision string) (IstioRelease, bool) {
	for _, r := range istioReleases {
		if r.Revision == revision {
			return r, true
		}
	}
	return IstioRelease{}, false
}

// IstioRevisions lists the revisions of the table, oldest first.
func IstioRevisions() []string {
	out := make([]string, len(istioReleases))
	for i, r := range istioReleases {
		out[i] = r.Revision
	}
	return out
}

// DatadogChartVersion is the datadog/datadog Helm chart a Datadog installs,
// and DatadogAgentVersion the Agent and Cluster Agent it deploys (the
// chart's default; the Cluster Agent resolves secrets natively from 7.77).
const (
	DatadogChartRepository = "https://helm.datadoghq.com"
	DatadogChartVersion    = "3.240.0"
	DatadogAgentVersion    = "7.81.1"
)
