// Package retire removes from an environment the stacks that left the app:
// `cdk deploy` never deletes a stack that is no longer synthesized, so a
// cluster removed from config would keep running and billing. The plan is
// made from what is deployed (the baseline) and what the reviewed assembly
// holds, and carried out in a step of its own after the deploy.
package retire

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ecplatform/eks-platform/internal/assembly"
)

// Retained is a resource CloudFormation keeps when its stack is deleted
// (DeletionPolicy Retain): it stays in the account, named as below.
type Retained struct {
	Stack, LogicalID, Type string
	// Name is its physical name when the template sets one (a log group,
	// a bucket), else "".
	Name string
}

// Plan is what removing the stacks gone from the app does.
type Plan struct {
	Env string
	// Delete are the stacks to delete, in order: a cluster's edge before
	// the cluster its bindings live in.
	Delete []string
	// Retained are the resources their deletion leaves behind.
	Retained []Retained
}

// order ranks stack kinds for deletion: what depends on a cluster first.
var order = []string{"-services-", "-edge-", "-cluster-"}

func rank(env, stack string) int {
	for i, part := range order {
		if strings.HasPrefix(stack, env+part) {
			return i
		}
	}
	return len(order)
}

// NewPlan compares env's deployed baseline (a snapshot root or a cloud
// assembly, see assembly.Templates) with the assembly about to be
// deployed. It refuses to plan the deletion of a stack the platform never
// removes on its own: only cluster, edge and services stacks go.
func NewPlan(env, baselineDir, assemblyDir string) (Plan, error) {
	p := Plan{Env: env}
	deployed, found, err := assembly.Templates(baselineDir, env)
	if err != nil || !found {
		return p, err
	}
	current, err := assembly.Stacks(assemblyDir, env)
	if err != nil {
		return p, err
	}
	keep := map[string]bool{}
	for _, s := range current {
		keep[s.Name] = true
	}
	for name := range deployed {
		if keep[name] {
			continue
		}
		if rank(env, name) == len(order) {
			return p, fmt.Errorf("%s was deployed but is no longer synthesized: only a cluster's, an edge's or a services stack is removed here; delete it by hand after review", name)
		}
		p.Delete = append(p.Delete, name)
	}
	sort.Slice(p.Delete, func(i, j int) bool {
		ri, rj := rank(env, p.Delete[i]), rank(env, p.Delete[j])
		if ri != rj {
			return ri < rj
		}
		return p.Delete[i] < p.Delete[j]
	})
	for _, name := range p.Delete {
		var tmpl struct {
			Resources map[string]struct {
				Type           string
				DeletionPolicy string
				Properties     map[string]any
			}
		}
		if err := json.Unmarshal(deployed[name], &tmpl); err != nil {
			return p, fmt.Errorf("%s: %w", name, err)
		}
		for id, r := range tmpl.Resources {
			if r.DeletionPolicy == "Retain" || r.DeletionPolicy == "RetainExceptOnCreate" {
				p.Retained = append(p.Retained, Retained{Stack: name, LogicalID: id, Type: r.Type, Name: physicalName(r.Properties)})
			}
		}
	}
	sort.Slice(p.Retained, func(i, j int) bool {
		a, b := p.Retained[i], p.Retained[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		return a.LogicalID < b.LogicalID
	})
	return p, nil
}

// nameProperties are the properties that carry a physical name.
var nameProperties = []string{"LogGroupName", "BucketName", "Name", "AliasName", "TableName"}

func physicalName(props map[string]any) string {
	for _, k := range nameProperties {
		if s, ok := props[k].(string); ok {
			return s
		}
	}
	return ""
}
