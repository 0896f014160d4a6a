// Package cluster provisions EKS clusters and their versioned managed node
// groups: the part of the platform that must stay upgradable for years.
package cluster

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

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

// mustVersion is spec.LookupVersion for props already validated.
func mustVersion(minor string) spec.Version {
	v, ok := spec.LookupVersion(minor)
	if !ok {
		panic(fmt.Sprintf("kubernetes version %q is not in the version table", minor))
	}
	return v
}

// IstioChartRepository is where Istio publishes its Helm charts.
const IstioChartRepository = "https://istio-release.storage.googleapis.com/charts"

// DatadogChartVersion is the datadog/datadog Helm chart a Datadog installs,
// and DatadogAgentVersion the Agent and Cluster Agent it deploys (the
// chart's default; the Cluster Agent resolves secrets natively from 7.77).
const (
	DatadogChartRepository = "https://helm.datadoghq.com"
	DatadogChartVersion    = "3.240.0"
	DatadogAgentVersion    = "7.81.1"
)

// kubernetesVersion is the awseksv2 version of a minor of the version
// table (spec.LookupVersion). It is made when a cluster is built, never at
// package init: reading awseksv2's version constants calls into jsii, which
// starts Node, and every program that imports this package (the app, the
// tools) would pay for it before doing anything.
func kubernetesVersion(v spec.Version) awseksv2.KubernetesVersion {
	return awseksv2.KubernetesVersion_Of(jsii.String(v.Minor))
}
