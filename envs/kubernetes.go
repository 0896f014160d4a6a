package envs

import (
	"regexp"

	"github.com/ecplatform/eks-platform/constructs/cluster"
)

// The Kubernetes facts config validation needs come from the cluster
// construct's tables, so that what config accepts and what the construct can
// build never drift apart.

// MaxNodeSkewMinors is how many minors a node group may lag its control plane.
const MaxNodeSkewMinors = cluster.MaxNodeSkewMinors

// ManagedAddons are the EKS managed add-ons every cluster runs, pinned.
var ManagedAddons = cluster.PinnedAddons

var addonVersionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

// SupportedKubernetesVersions are the minors EKS offers that the platform builds.
func SupportedKubernetesVersions() []string { return cluster.SupportedVersions() }

// amiArch is the CPU architecture of a supported AMI type.
func amiArch(t AmiType) (Arch, bool) {
	a, ok := cluster.LookupAmiType(string(t))
	return Arch(a.Arch), ok
}

// amiTypeNames are the supported AMI types, sorted.
func amiTypeNames() []string {
	var names []string
	for _, a := range cluster.AmiTypes {
		names = append(names, a.Name)
	}
	return names
}

// imageRegistryKnown reports whether the cluster construct knows region's
// Amazon EKS image registry, where the Load Balancer Controller's image
// comes from.
func imageRegistryKnown(region string) bool {
	_, ok := cluster.ImageRegistryAccount(region)
	return ok
}

// accessEntryID is the id of a role's access entry in a cluster of account.
func accessEntryID(role, account string) string { return cluster.AccessEntryID(role, account) }
