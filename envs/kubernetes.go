package envs

import "regexp"

// The Kubernetes facts config validation needs. They are read from the
// cluster construct's version table so that what config accepts and what
// the construct can build never drift apart.

// MaxNodeSkewMinors is how many minors a node group may lag its control
// plane (the Kubernetes skew policy EKS enforces from 1.28 on).
const MaxNodeSkewMinors = 3

// ManagedAddons are the EKS managed add-ons every cluster runs, pinned.
var ManagedAddons = []string{"vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent", "aws-ebs-csi-driver"}

var addonVersionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

// SupportedKubernetesVersions are the minors EKS offers that the platform builds.
func SupportedKubernetesVersions() []string {
	return []string{"1.32", "1.33", "1.34", "1.35"}
}
