package spec

// AmiType is an EKS-optimized AMI family the platform runs. AL2 is absent:
// EKS no longer publishes it for current Kubernetes versions.
type AmiType struct {
	// Name is the AMI type as CloudFormation (AWS::EKS::Nodegroup AmiType)
	// and config spell it.
	Name string
	// Arch is the CPU architecture: x86_64 or arm64.
	Arch string
	// DataDevice holds container images and ephemeral storage: the volume
	// the launch template encrypts and sizes.
	DataDevice string
}

// AmiTypes is the one table of supported AMI types.
var AmiTypes = []AmiType{
	{"AL2023_x86_64_STANDARD", "x86_64", "/dev/xvda"},
	{"AL2023_ARM_64_STANDARD", "arm64", "/dev/xvda"},
	{"BOTTLEROCKET_x86_64", "x86_64", "/dev/xvdb"},
	{"BOTTLEROCKET_ARM_64", "arm64", "/dev/xvdb"},
}

// LookupAmiType finds a supported AMI type by its CloudFormation name.
func LookupAmiType(name string) (AmiType, bool) {
	for _, a := range AmiTypes {
		if a.Name == name {
			return a, true
		}
	}
	return AmiType{}, false
}
