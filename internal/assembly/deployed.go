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

// Deployed reads what the reviewed snapshots of env (dir/<env>/*.template.json)
// say is running: each cluster's version and the replacement-relevant
// properties of its node groups. A missing directory is an empty baseline
// (a new environment).
func Deployed(dir, env string) (envs.Deployed, error) {
	out := envs.Deployed{Clusters: map[string]envs.DeployedCluster{}}
	prefix := env + "-cluster-"
	files, err := filepath.Glob(filepath.Join(dir, env, prefix+"*.template.json"))
	if err != nil {
		return out, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), prefix), ".template.json")
		data, err := os.ReadFile(f)
		if err != nil {
			return out, err
		}
		var tmpl struct {
			Resources map[string]struct {
				Type       string          `json:"Type"`
				Properties json.RawMessage `json:"Properties"`
			} `json:"Resources"`
		}
		if err := json.Unmarshal(data, &tmpl); err != nil {
			return out, fmt.Errorf("%s: %w", f, err)
		}
		dc := envs.DeployedCluster{NodeGroups: map[string]envs.DeployedNodeGroup{}}
		for _, r := range tmpl.Resources {
			switch r.Type {
			case "AWS::EKS::Cluster":
				var p struct {
					Version                 string
					KubernetesNetworkConfig struct{ ServiceIpv4Cidr string }
				}
				json.Unmarshal(r.Properties, &p)
				dc.Version, dc.ServiceCidr = p.Version, p.KubernetesNetworkConfig.ServiceIpv4Cidr
			case "AWS::EKS::Nodegroup":
				var p struct {
					AmiType       string
					CapacityType  string
					InstanceTypes []string
					Labels        map[string]string
				}
				json.Unmarshal(r.Properties, &p)
				if id := p.Labels[cluster.LabelNodeGroup]; id != "" {
					dc.NodeGroups[id] = envs.DeployedNodeGroup{AmiType: p.AmiType, CapacityType: p.CapacityType, InstanceTypes: p.InstanceTypes}
				}
			}
		}
		out.Clusters[name] = dc
	}
	return out, nil
}
