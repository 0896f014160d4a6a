package k8scheck

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubeletapis "k8s.io/kubelet/pkg/apis"
)

// taintEffects are the effects EKS takes (CloudFormation spells them so),
// one for each of the Kubernetes taint effects.
var taintEffects = []string{"NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"}

// checkNodeGroups checks each node group's labels and taints as the nodes
// will be checked when they register: labels as every object's labels; a
// label in the kubernetes.io or k8s.io namespaces only if the kubelet may
// set it on itself (it refuses to start with any other in --node-labels,
// so the nodes never join); taints as the API server checks a Node's.
func checkNodeGroups(groups []nodeGroup) []Finding {
	var findings []Finding
	for _, g := range groups {
		add := func(msg string) {
			findings = append(findings, Finding{Origin: g.Origin, Object: "node group", Message: msg})
		}
		for _, k := range slices.Sorted(maps.Keys(g.Labels)) {
			for _, e := range metav1validation.ValidateLabels(map[string]string{k: g.Labels[k]}, field.NewPath("Labels")) {
				add(e.Error())
			}
			if isKubernetesLabel(k) && !kubeletapis.IsKubeletLabel(k) {
				add(fmt.Sprintf("Labels: %q: the kubelet refuses --node-labels in the kubernetes.io and k8s.io namespaces but the ones it sets itself (k8s.io/kubelet IsKubeletLabel): the nodes would not start", k))
			}
		}
		seen := map[[2]string]bool{}
		for i, t := range g.Taints {
			p := fmt.Sprintf("Taints[%d]", i)
			for _, msg := range validation.IsQualifiedName(t.Key) {
				add(fmt.Sprintf("%s.Key: Invalid value: %q: %s", p, t.Key, msg))
			}
			if t.Value != "" {
				for _, msg := range validation.IsValidLabelValue(t.Value) {
					add(fmt.Sprintf("%s.Value: Invalid value: %q: %s", p, t.Value, msg))
				}
			}
			if !slices.Contains(taintEffects, t.Effect) {
				add(fmt.Sprintf("%s.Effect: must be one of %v, got %q", p, taintEffects, t.Effect))
			}
			if k := [2]string{t.Key, t.Effect}; seen[k] {
				add(fmt.Sprintf("%s: taints must be unique by key and effect, got %s:%s twice", p, t.Key, t.Effect))
			} else {
				seen[k] = true
			}
		}
	}
	return findings
}

// isKubernetesLabel is the kubelet's test (cmd/kubelet/app/options) for a
// label in the namespaces it restricts.
func isKubernetesLabel(key string) bool {
	ns, _, found := strings.Cut(key, "/")
	if !found {
		return false
	}
	return ns == "kubernetes.io" || strings.HasSuffix(ns, ".kubernetes.io") || ns == "k8s.io" || strings.HasSuffix(ns, ".k8s.io")
}
