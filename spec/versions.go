package spec

import "sort"

// Version is one Kubernetes minor version the platform builds, with what
// the cluster needs pinned for it. Pinning (instead of "latest") makes every
// add-on change a reviewed config or code change.
type Version struct {
	// Minor is the version as config and EKS spell it, e.g. "1.34".
	Minor string
	// KubectlLayerPackage is the npm package (installed from
	// package-lock.json) whose lib/layer.zip holds the kubectl and helm the
	// kubectl provider runs; kubectl supports one minor of skew either way.
	KubectlLayerPackage string
	// Addons are the pinned managed add-on versions, by add-on name.
	Addons map[string]string
}

// Managed add-ons every cluster runs, by their EKS add-on names.
const (
	AddonVpcCni           = "vpc-cni"
	AddonCoreDNS          = "coredns"
	AddonKubeProxy        = "kube-proxy"
	AddonPodIdentityAgent = "eks-pod-identity-agent"
	AddonEbsCsiDriver     = "aws-ebs-csi-driver"
)

// Addons lists the managed add-ons every cluster installs, in install order.
var Addons = []string{AddonVpcCni, AddonKubeProxy, AddonCoreDNS, AddonPodIdentityAgent, AddonEbsCsiDriver}

// AddonCloudWatchObservability is the CloudWatch agent (Container Insights)
// and Fluent Bit; the cluster's log shipper installs it.
const AddonCloudWatchObservability = "amazon-cloudwatch-observability"

// PinnedAddons are all add-ons with a pinned version; config may override
// any of them per cluster.
var PinnedAddons = append(append([]string{}, Addons...), AddonCloudWatchObservability)

// cloudWatchObservabilityVersion is the add-on release of the
// amazon-cloudwatch-observability Helm chart 6.4.0 (aws-for-fluent-bit
// 3.4.8), whose Fluent Bit files (containerLogs.fluentBit.config.extraFiles)
// the log shipper replaces; it is offered for Kubernetes 1.31 to 1.35.
const cloudWatchObservabilityVersion = "v6.4.0-eksbuild.1"

// MaxNodeSkewMinors is how many minors a node's kubelet may lag the control
// plane: 3 under the Kubernetes version skew policy EKS applies from 1.28.
const MaxNodeSkewMinors = 3

// versions is the one table of supported versions. EKS offers 1.32 to 1.36
// in late 2026; 1.36 is left out until a kubectl 1.36 layer is published
// on npm. Add-on versions are those EKS lists for each minor
// (`aws eks describe-addon-versions --kubernetes-version 1.34`); a cluster
// can override one in config.
var versions = []Version{
	{Minor: "1.32", KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v33", Addons: map[string]string{
		AddonVpcCni: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.11.4-eksbuild.14", AddonKubeProxy: "v1.32.6-eksbuild.8",
		AddonPodIdentityAgent: "v1.3.8-eksbuild.2", AddonEbsCsiDriver: "v1.48.0-eksbuild.2",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
	{Minor: "1.33", KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v33", Addons: map[string]string{
		AddonVpcCni: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.12.1-eksbuild.2", AddonKubeProxy: "v1.33.3-eksbuild.6",
		AddonPodIdentityAgent: "v1.3.8-eksbuild.2", AddonEbsCsiDriver: "v1.48.0-eksbuild.2",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
	{Minor: "1.34", KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v34", Addons: map[string]string{
		AddonVpcCni: "v1.20.4-eksbuild.1", AddonCoreDNS: "v1.12.4-eksbuild.1", AddonKubeProxy: "v1.34.0-eksbuild.4",
		AddonPodIdentityAgent: "v1.3.9-eksbuild.3", AddonEbsCsiDriver: "v1.50.1-eksbuild.1",
		AddonCloudWatchObservability: cloudWatchObservabilityVersion,
	}},
	{Minor: "1.35", KubectlLayerPackage: "@aws-cdk/lambda-layer-kubectl-v35", Addons: map[string]string{
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
