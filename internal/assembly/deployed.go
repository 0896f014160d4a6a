package assembly

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/envs"
)

// Templates reads env's templates, by stack name, from dir: a cloud
// assembly (dir/assembly-<env>) or a snapshot root (dir/<env>/<stack>.template.json:
// test/golden, or the deployed/<env> branch the deploy workflow records).
// found is false when dir holds nothing of env (it was never deployed).
func Templates(dir, env string) (templates map[string][]byte, found bool, err error) {
	out := map[string][]byte{}
	if _, err := os.Stat(filepath.Join(dir, "assembly-"+env, "manifest.json")); err == nil {
		stacks, err := Stacks(dir, env)
		if err != nil {
			return nil, false, err
		}
		for _, s := range stacks {
			t, err := s.Template()
			if err != nil {
				return nil, false, err
			}
			out[s.Name] = t
		}
		return out, true, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, env, "*.template.json"))
	if err != nil {
		return nil, false, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, false, err
		}
		out[strings.TrimSuffix(filepath.Base(f), ".template.json")] = data
	}
	return out, len(files) > 0, nil
}

// template is what Deployed reads of a CloudFormation template.
type template struct {
	Resources map[string]struct {
		Type       string          `json:"Type"`
		Properties json.RawMessage `json:"Properties"`
	} `json:"Resources"`
}

// Deployed reads what runs from the baseline in dir (see Templates): each
// cluster's version, service range, state and Route 53 weight, and its node
// groups by name with their pool, version, draining taint and the
// properties whose change replaces them. A baseline without env is an env
// never deployed (Known false).
func Deployed(dir, env string) (envs.Deployed, error) {
	out := envs.Deployed{Clusters: map[string]envs.DeployedCluster{}}
	templates, found, err := Templates(dir, env)
	if err != nil || !found {
		return out, err
	}
	out.Known = true
	prefix := env + "-cluster-"
	for stack, data := range templates {
		name, ok := strings.CutPrefix(stack, prefix)
		if !ok {
			continue
		}
		var tmpl template
		if err := json.Unmarshal(data, &tmpl); err != nil {
			return out, fmt.Errorf("%s: %w", stack, err)
		}
		dc := out.Clusters[name]
		dc.NodeGroups = map[string]envs.DeployedNodeGroup{}
		for _, r := range tmpl.Resources {
			switch r.Type {
			case "AWS::EKS::Cluster":
				var p struct {
					Version                 string
					KubernetesNetworkConfig struct{ ServiceIpv4Cidr string }
					Tags                    []struct{ Key, Value string }
				}
				json.Unmarshal(r.Properties, &p)
				dc.Version, dc.ServiceCidr = p.Version, p.KubernetesNetworkConfig.ServiceIpv4Cidr
				for _, t := range p.Tags {
					dc.Retiring = dc.Retiring || (t.Key == cluster.TagState && t.Value == cluster.StateRetiring)
				}
			case "AWS::EKS::Nodegroup":
				var p struct {
					Version       string
					AmiType       string
					CapacityType  string
					InstanceTypes []string
					Labels        map[string]string
					Taints        []struct{ Key string }
				}
				json.Unmarshal(r.Properties, &p)
				id := p.Labels[cluster.LabelNodeGroup]
				if id == "" {
					continue
				}
				g := envs.DeployedNodeGroup{Pool: p.Labels[cluster.LabelPool], Version: p.Version, AmiType: p.AmiType, CapacityType: p.CapacityType, InstanceTypes: p.InstanceTypes}
				for _, t := range p.Taints {
					g.Draining = g.Draining || t.Key == cluster.TaintDraining
				}
				dc.NodeGroups[id] = g
			}
		}
		out.Clusters[name] = dc
	}
	if data, ok := templates[env+"-dns"]; ok {
		var tmpl template
		if err := json.Unmarshal(data, &tmpl); err != nil {
			return out, fmt.Errorf("%s-dns: %w", env, err)
		}
		for _, r := range tmpl.Resources {
			if r.Type != "AWS::Route53::RecordSet" {
				continue
			}
			var p struct {
				SetIdentifier string
				Weight        int
			}
			json.Unmarshal(r.Properties, &p)
			if dc, ok := out.Clusters[p.SetIdentifier]; ok && p.Weight > dc.Weight {
				dc.Weight = p.Weight
				out.Clusters[p.SetIdentifier] = dc
			}
		}
	}
	return out, nil
}
