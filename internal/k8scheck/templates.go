package k8scheck

import (
	"fmt"
	"maps"
	"slices"
)

// Templates are one environment's synthesized templates, decoded from JSON,
// by CloudFormation stack name. All stacks of an environment are checked
// together: an edge stack applies objects to a cluster another stack makes.
type Templates map[string]map[string]any

// resource is one resource of a template.
type resource struct {
	Stack, ID, Type string
	Props           map[string]any
}

// export is the value a stack exports under a name (Outputs.*.Export.Name),
// which other stacks read with Fn::ImportValue.
type export struct {
	Stack string
	Value any
}

// index is an environment's resources and exports, to follow a resource's
// ClusterName to the cluster across stacks.
type index struct {
	stacks  map[string]map[string]resource // by stack name, then logical id
	exports map[string]export
}

func newIndex(t Templates) index {
	ix := index{stacks: map[string]map[string]resource{}, exports: map[string]export{}}
	for stack, tmpl := range t {
		rs := map[string]resource{}
		resources, _ := tmpl["Resources"].(map[string]any)
		for id, r := range resources {
			r, _ := r.(map[string]any)
			typ, _ := r["Type"].(string)
			props, _ := r["Properties"].(map[string]any)
			rs[id] = resource{Stack: stack, ID: id, Type: typ, Props: props}
		}
		ix.stacks[stack] = rs
		outputs, _ := tmpl["Outputs"].(map[string]any)
		for _, o := range outputs {
			o, _ := o.(map[string]any)
			exp, _ := o["Export"].(map[string]any)
			if name, ok := exp["Name"].(string); ok {
				ix.exports[name] = export{Stack: stack, Value: o["Value"]}
			}
		}
	}
	return ix
}

// all returns every resource, ordered by stack and logical id so that
// findings come out in a stable order.
func (ix index) all() []resource {
	var out []resource
	for _, stack := range slices.Sorted(maps.Keys(ix.stacks)) {
		rs := ix.stacks[stack]
		for _, id := range slices.Sorted(maps.Keys(rs)) {
			out = append(out, rs[id])
		}
	}
	return out
}

// clusterOf names the EKS cluster a ClusterName property value refers to:
// a literal name, a Ref to an AWS::EKS::Cluster (its Name, or
// "<stack>/<logical id>" when CloudFormation names it), or an
// Fn::ImportValue of a stack's export of such a Ref.
func (ix index) clusterOf(stack string, v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case map[string]any:
		if id, ok := v["Ref"].(string); ok {
			r, ok := ix.stacks[stack][id]
			if !ok || r.Type != "AWS::EKS::Cluster" {
				return "", fmt.Errorf("ClusterName refers to %s, not to an AWS::EKS::Cluster of stack %s", id, stack)
			}
			if name, ok := r.Props["Name"].(string); ok {
				return name, nil
			}
			return stack + "/" + id, nil
		}
		if name, ok := v["Fn::ImportValue"].(string); ok {
			exp, ok := ix.exports[name]
			if !ok {
				return "", fmt.Errorf("ClusterName imports %q, which no stack of the environment exports", name)
			}
			return ix.clusterOf(exp.Stack, exp.Value)
		}
	}
	return "", fmt.Errorf("ClusterName %v: can't tell which cluster it names", v)
}
