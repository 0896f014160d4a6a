package envs

import (
	"regexp"

	"github.com/ecplatform/eks-platform/spec"
)

// The Kubernetes facts config validation needs come from spec, whose
// tables the cluster construct builds from, so that what config accepts and
// what the construct can build never drift apart.

var addonVersionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$`)

// amiArch is the CPU architecture of a supported AMI type.
func amiArch(t AmiType) (Arch, bool) {
	a, ok := spec.LookupAmiType(string(t))
	return Arch(a.Arch), ok
}

// amiTypeNames are the supported AMI types, sorted.
func amiTypeNames() []string {
	var names []string
	for _, a := range spec.AmiTypes {
		names = append(names, a.Name)
	}
	return names
}

// imageRegistryKnown reports whether spec knows region's Amazon EKS image
// registry, where the Load Balancer Controller's image comes from.
func imageRegistryKnown(region string) bool {
	_, ok := spec.ImageRegistryAccount(region)
	return ok
}
