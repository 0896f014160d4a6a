package k8scheck

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// initialNamespaces are the namespaces an EKS cluster has from its creation.
var initialNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

var namespaceKind = schema.GroupKind{Kind: "Namespace"}

// namespaceMissing says why an object's namespace may not exist when the
// object is applied, or "" if it does: the API server refuses an object in
// a namespace that doesn't exist (NamespaceLifecycle admission), so an
// environment deployed on a new cluster must create every namespace it
// applies to: a Namespace object of the app, or a Helm release installed
// with CreateNamespace. The order of the applies is not checked.
func namespaceMissing(k objectKey, applied []objectKey, releases []release) string {
	if k.Namespace == "" || slices.Contains(initialNamespaces, k.Namespace) {
		return ""
	}
	if slices.Contains(applied, objectKey{Cluster: k.Cluster, Kind: namespaceKind, Name: k.Namespace}) {
		return ""
	}
	if slices.ContainsFunc(releases, func(r release) bool {
		return r.Cluster == k.Cluster && r.Namespace == k.Namespace && r.CreateNamespace
	}) {
		return ""
	}
	return fmt.Sprintf("namespace %s: nothing the app applies to cluster %s creates it, and a new EKS cluster has only %v: the API server refuses this and every other object in a namespace that doesn't exist",
		k.Namespace, k.Cluster, initialNamespaces)
}
