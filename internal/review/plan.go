package review

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/ecplatform/eks-platform/constructs/cluster"
)

// plan is what the baseline says is on its way out: node groups deployed
// draining and clusters deployed retiring. Removing them is the planned
// last step of a migration, not a loss of data or traffic.
type plan struct {
	// drained are the logical ids of node groups deployed with the
	// draining taint, by stack.
	drained map[string]map[string]bool
	// retiring are the clusters deployed in state retiring.
	retiring map[string]bool
	// records are the logical ids of weighted records, by stack, and the
	// cluster each sends traffic to with its weight.
	records map[string]map[string]weighted
}

type weighted struct {
	cluster string
	weight  int
}

// readPlan reads the plan from env's baseline templates (files by stack).
func readPlan(env string, baseline map[string]string) (plan, error) {
	p := plan{drained: map[string]map[string]bool{}, retiring: map[string]bool{}, records: map[string]map[string]weighted{}}
	for stack, file := range baseline {
		if stack == env+"-dns" {
			if err := p.readRecords(stack, file); err != nil {
				return p, err
			}
			continue
		}
		name, isCluster := strings.CutPrefix(stack, env+"-cluster-")
		if !isCluster {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return p, err
		}
		var tmpl struct {
			Resources map[string]struct {
				Type       string
				Properties struct {
					Taints []struct{ Key string }
					// A list of Key and Value for a cluster, a map for
					// a node group: read per type.
					Tags json.RawMessage
				}
			}
		}
		if err := json.Unmarshal(data, &tmpl); err != nil {
			return p, err
		}
		p.drained[stack] = map[string]bool{}
		for id, r := range tmpl.Resources {
			switch r.Type {
			case "AWS::EKS::Nodegroup":
				for _, t := range r.Properties.Taints {
					if t.Key == cluster.TaintDraining {
						p.drained[stack][id] = true
					}
				}
			case "AWS::EKS::Cluster":
				var tags []struct{ Key, Value string }
				if len(r.Properties.Tags) > 0 {
					if err := json.Unmarshal(r.Properties.Tags, &tags); err != nil {
						return p, fmt.Errorf("%s %s: Tags: %w", stack, id, err)
					}
				}
				for _, t := range tags {
					if t.Key == cluster.TagState && t.Value == cluster.StateRetiring {
						p.retiring[name] = true
					}
				}
			}
		}
	}
	return p, nil
}

// readRecords reads the weighted records of the dns stack's baseline.
func (p plan) readRecords(stack, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				SetIdentifier string
				Weight        int
			}
		}
	}
	if err := json.Unmarshal(data, &tmpl); err != nil {
		return err
	}
	p.records[stack] = map[string]weighted{}
	for id, r := range tmpl.Resources {
		if r.Type == "AWS::Route53::RecordSet" && r.Properties.SetIdentifier != "" {
			p.records[stack][id] = weighted{r.Properties.SetIdentifier, r.Properties.Weight}
		}
	}
	return nil
}

// planned says why a change is the planned last step of a migration ("" if
// it is not): a drained node group removed, or a retired cluster's stacks
// deleted.
func (p plan) planned(env string, s StackReport, c Change) string {
	if c.Change != "removed" {
		return ""
	}
	for _, part := range []string{"-cluster-", "-edge-"} {
		if name, ok := strings.CutPrefix(s.Name, env+part); ok && s.Gone && p.retiring[name] {
			return "cluster " + name + " was deployed retiring at weight 0"
		}
	}
	if c.Type == "AWS::EKS::Nodegroup" && p.drained[s.Name][c.LogicalID] {
		return "node group was deployed draining"
	}
	if r, ok := p.records[s.Name][c.LogicalID]; ok && p.retiring[r.cluster] && r.weight == 0 {
		return "record of cluster " + r.cluster + ", deployed retiring at weight 0"
	}
	return ""
}
