package k8scheck

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// controlPlaneCRD is a CustomResourceDefinition that EKS itself keeps on
// every cluster, for a controller it runs on the control plane. No release
// of the app installs it, so an object of its kinds needs nothing else in
// its cluster, unlike a chart's CRDs (see chart). The check reads the CRD
// from the Go module of the controller's source that go.mod pins.
type controlPlaneCRD struct {
	// Name is the CRD's metadata.name; Controller is what serves its kinds.
	Name, Controller string
	// Module and ModuleVersion are the Go module holding the CRD and the
	// version go.mod must pin; File is the CRD's file in it.
	Module, ModuleVersion, File string
}

// securityGroupPolicies is the VPC resource controller's
// SecurityGroupPolicy (vpcresources.k8s.aws/v1beta1): the security groups
// that the pods it selects get on branch network interfaces of their own.
//
// Amazon EKS User Guide, "Security groups for Pods"
// (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html):
// the VPC resource controller runs on the EKS control plane, managed by
// EKS, and its "Use a security group policy for an Amazon EKS Pod"
// (sg-pods-example-deployment.html) applies a SecurityGroupPolicy with
// nothing installed first. EKS platform version updates reinstall the CRD
// if it has been deleted (aws/amazon-vpc-resource-controller-k8s#358).
// What pods need besides (ENABLE_POD_ENI on the VPC CNI, the
// AmazonEKSVPCResourceController policy on the cluster role) is the
// cluster construct's to set, not an object this check sees.
//
// EKS does not publish the controller version its control plane runs; the
// check follows the CRD of controller v1.8.2, whose only version is
// v1beta1. Its Go module has packages, but no package of the app imports
// them: go.mod requires it for this file only.
var securityGroupPolicies = controlPlaneCRD{
	Name:          "securitygrouppolicies.vpcresources.k8s.aws",
	Controller:    "VPC resource controller",
	Module:        "github.com/aws/amazon-vpc-resource-controller-k8s",
	ModuleVersion: "v1.8.2",
	File:          "config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml",
}

// controlPlaneCRDs are the control-plane CRDs the check knows.
var controlPlaneCRDs = []*controlPlaneCRD{&securityGroupPolicies}

func (c *controlPlaneCRD) String() string {
	return fmt.Sprintf("the EKS control plane's %s", c.Controller)
}

// absentFrom: every EKS cluster has the CRD.
func (*controlPlaneCRD) absentFrom(string, string, []release) string { return "" }

// loadControlPlaneCRD reads the served versions of c from the module cache;
// it fails, saying how to fix it, when go.mod no longer pins c's module at
// the version the record is for, or `make deps` has not fetched it.
func loadControlPlaneCRD(c *controlPlaneCRD) (map[schema.GroupVersionKind]*crdKind, error) {
	dir, version, err := moduleDir(c.Module, c.ModuleVersion)
	if err != nil {
		return nil, err
	}
	if version != c.ModuleVersion {
		return nil, fmt.Errorf("go.mod pins %s %s, but the check's record is for %s: re-read the new version's CRD (internal/k8scheck/controlplane.go)", c.Module, version, c.ModuleVersion)
	}
	path := filepath.Join(dir, c.File)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	crds, err := readCRDs(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	kinds := map[schema.GroupVersionKind]*crdKind{}
	for gvk, k := range crds {
		if k.CRD == c.Name {
			kinds[gvk] = &crdKind{customKind: k, Source: c}
		}
	}
	if len(kinds) == 0 {
		return nil, fmt.Errorf("%s@%s: %s holds no served version of CRD %s", c.Module, version, c.File, c.Name)
	}
	return kinds, nil
}
