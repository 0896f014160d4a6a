package cluster

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/network"
)

// groupSpec is a node group as a test describes it.
type groupSpec struct {
	name          string
	pool, version string
	draining      bool
	instanceTypes []string
	// ami is the AMI type. @default AL2023_X86_64_STANDARD
	ami awseksv2.NodegroupAmiType
}

// newClusterStack builds a VPC and a cluster at version with the groups.
func newClusterStack(t *testing.T, version string, groups ...groupSpec) (awscdk.Stack, *Cluster) {
	t.Helper()
	return newClusterStackWith(t, version, nil, groups...)
}

// newClusterStackWith is newClusterStack with props edited by edit.
func newClusterStackWith(t *testing.T, version string, edit func(*ClusterProps), groups ...groupSpec) (awscdk.Stack, *Cluster) {
	t.Helper()
	stack := constructtest.NewStack(t)
	net := network.NewNetwork(stack, "Network", network.NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
	layer := awslambda.NewLayerVersion(stack, jsii.String("KubectlLayer"), &awslambda.LayerVersionProps{
		Code: awslambda.Code_FromAsset(jsii.String("../../node_modules/"+mustVersion(version).KubectlLayerPackage+"/lib/layer.zip"), nil),
	})
	props := ClusterProps{
		Vpc: net.Vpc, Version: version, KubectlLayer: layer, Name: "test-blue",
		AdminRoleArns:    []string{"arn:aws:iam::111111111111:role/platform-admin"},
		ReadOnlyRoleArns: []string{"arn:aws:iam::111111111111:role/sre-readonly"},
	}
	if edit != nil {
		edit(&props)
	}
	c := NewCluster(stack, "Cluster", props)
	for _, g := range groups {
		types := g.instanceTypes
		if types == nil {
			types = []string{"m7i.xlarge"}
		}
		ami := g.ami
		if ami == "" {
			ami = awseksv2.NodegroupAmiType_AL2023_X86_64_STANDARD
		}
		c.AddNodeGroup(VersionedNodeGroupProps{
			Name: g.name, Pool: g.pool, Version: g.version, Draining: g.draining,
			AmiType:       ami,
			InstanceTypes: types, MinSize: 3, DesiredSize: 3, MaxSize: 9,
		})
	}
	return stack, c
}
