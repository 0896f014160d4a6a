// Package k8scheck checks every Kubernetes object a synthesized app
// applies the way the cluster's API server will, before a deploy finds out:
// the manifests of Custom::AWSCDK-EKS-KubernetesResource, the Helm releases
// of Custom::AWSCDK-EKS-HelmChart, the node labels and taints of managed
// node groups, Pod Identity service accounts and add-on configuration.
// Objects decode strictly into their kind's type (k8s.io/api) or CRD schema
// (a chart's own CRDs, or one EKS keeps on every cluster, validated by
// k8s.io/apiextensions-apiserver), and names, labels and annotations pass
// k8s.io/apimachinery's rules. An object of a chart's CRD needs a release
// of the chart in its cluster; one of a control-plane CRD does not. Each
// cluster has one object per kind, namespace and name across all stacks of
// an environment.
package k8scheck

// Check reports every finding on one environment's templates, in the order
// of stacks and resources.
func (s *Schemas) Check(t Templates) []Finding {
	inv, findings := readInventory(t)
	findings = append(findings, s.checkObjects(inv.Objects, inv.Releases)...)
	findings = append(findings, s.checkReleases(inv.Releases)...)
	findings = append(findings, checkNodeGroups(inv.NodeGroups)...)
	findings = append(findings, checkPodIdentities(inv.PodIdentities)...)
	findings = append(findings, checkAddons(inv.Addons)...)
	return findings
}
