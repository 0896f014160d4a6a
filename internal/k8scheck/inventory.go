package k8scheck

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The CloudFormation types that put something into a cluster.
const (
	typeManifest    = "Custom::AWSCDK-EKS-KubernetesResource"
	typeHelmChart   = "Custom::AWSCDK-EKS-HelmChart"
	typeAddon       = "AWS::EKS::Addon"
	typePodIdentity = "AWS::EKS::PodIdentityAssociation"
	typeNodegroup   = "AWS::EKS::Nodegroup"
)

var appliedTypes = []string{typeManifest, typeHelmChart, typeAddon, typePodIdentity, typeNodegroup}

// ignoredEKSCustomTypes are the aws-cdk EKS custom resources that change
// nothing in a cluster (they read an object's field).
var ignoredEKSCustomTypes = []string{"Custom::AWSCDK-EKS-KubernetesObjectValue"}

// object is one Kubernetes object as kubectl applies it.
type object struct {
	Origin
	Body map[string]any
}

// release is one Helm release, as the kubectl provider's helm installs it.
type release struct {
	Origin
	Repository, Chart, Version, Name, Namespace string
	// CreateNamespace: helm install --create-namespace.
	CreateNamespace bool
	Values          map[string]any
}

// nodeGroup is a managed node group's node labels and taints, which the
// kubelet and the API server check when a node registers.
type nodeGroup struct {
	Origin
	Labels map[string]string
	Taints []taint
}

type taint struct{ Key, Value, Effect string }

// podIdentity is an EKS Pod Identity association's service account; the
// namespace is "" for an add-on's association (the add-on chooses it).
type podIdentity struct {
	Origin
	Namespace, ServiceAccount string
}

// addonConfig is a managed add-on's ConfigurationValues.
type addonConfig struct {
	Origin
	Addon, Version, Values string
}

// inventory is everything an environment's templates put into its clusters.
type inventory struct {
	Objects       []object
	Releases      []release
	NodeGroups    []nodeGroup
	PodIdentities []podIdentity
	Addons        []addonConfig
}

// readInventory extracts the inventory from an environment's templates; a
// resource it can't read (its cluster unknown, its manifest not JSON, an
// EKS custom resource type it doesn't know) is a finding.
func readInventory(t Templates) (inventory, []Finding) {
	ix := newIndex(t)
	var inv inventory
	var findings []Finding
	for _, r := range ix.all() {
		origin := Origin{Stack: r.Stack, Resource: r.ID}
		switch {
		case slices.Contains(appliedTypes, r.Type):
		case strings.HasPrefix(r.Type, "Custom::AWSCDK-EKS-") && !slices.Contains(ignoredEKSCustomTypes, r.Type):
			findings = append(findings, Finding{Origin: origin, Object: r.Type,
				Message: "the check does not read this resource type, so what it changes in the cluster is not checked"})
			continue
		default:
			continue
		}
		cluster, err := ix.clusterOf(r.Stack, r.Props["ClusterName"])
		if err != nil {
			findings = append(findings, Finding{Origin: origin, Object: r.Type, Message: err.Error()})
			continue
		}
		origin.Cluster = cluster
		if err := inv.add(origin, r); err != nil {
			findings = append(findings, Finding{Origin: origin, Object: r.Type, Message: err.Error()})
		}
	}
	return inv, findings
}

func (inv *inventory) add(o Origin, r resource) error {
	p := r.Props
	switch r.Type {
	case typeManifest:
		return inv.addManifest(o, p["Manifest"])
	case typeHelmChart:
		values := map[string]any{}
		if v, ok := p["Values"]; ok {
			if err := json.Unmarshal([]byte(render(v)), &values); err != nil {
				return fmt.Errorf("Values is not a JSON object once tokens are placeholders: %w", err)
			}
		}
		inv.Releases = append(inv.Releases, release{Origin: o,
			Repository: render(p["Repository"]), Chart: render(p["Chart"]), Version: render(p["Version"]),
			Name: render(p["Release"]), Namespace: render(p["Namespace"]), CreateNamespace: render(p["CreateNamespace"]) == "true",
			Values: values})
	case typeNodegroup:
		g := nodeGroup{Origin: o, Labels: map[string]string{}}
		labels, _ := p["Labels"].(map[string]any)
		for k, v := range labels {
			g.Labels[k] = render(v)
		}
		taints, _ := p["Taints"].([]any)
		for _, t := range taints {
			t, _ := t.(map[string]any)
			g.Taints = append(g.Taints, taint{Key: render(t["Key"]), Value: render(t["Value"]), Effect: render(t["Effect"])})
		}
		inv.NodeGroups = append(inv.NodeGroups, g)
	case typePodIdentity:
		inv.PodIdentities = append(inv.PodIdentities, podIdentity{Origin: o, Namespace: render(p["Namespace"]), ServiceAccount: render(p["ServiceAccount"])})
	case typeAddon:
		assocs, _ := p["PodIdentityAssociations"].([]any)
		for _, a := range assocs {
			a, _ := a.(map[string]any)
			inv.PodIdentities = append(inv.PodIdentities, podIdentity{Origin: o, ServiceAccount: render(a["ServiceAccount"])})
		}
		if v, ok := p["ConfigurationValues"]; ok {
			inv.Addons = append(inv.Addons, addonConfig{Origin: o, Addon: render(p["AddonName"]), Version: render(p["AddonVersion"]), Values: render(v)})
		}
	}
	return nil
}

// addManifest adds each object of a manifest: a JSON array of objects (or
// one object), a List's items as kubectl applies them one by one.
func (inv *inventory) addManifest(o Origin, manifest any) error {
	var doc any
	if err := json.Unmarshal([]byte(render(manifest)), &doc); err != nil {
		return fmt.Errorf("Manifest is not JSON once tokens are placeholders: %w", err)
	}
	items, ok := doc.([]any)
	if !ok {
		items = []any{doc}
	}
	for i := 0; i < len(items); i++ {
		body, ok := items[i].(map[string]any)
		if !ok {
			return fmt.Errorf("Manifest item %d is not an object", i)
		}
		if kind, _ := body["kind"].(string); strings.HasSuffix(kind, "List") {
			if list, ok := body["items"].([]any); ok {
				items = append(items, list...)
				continue
			}
		}
		inv.Objects = append(inv.Objects, object{Origin: o, Body: body})
	}
	return nil
}
