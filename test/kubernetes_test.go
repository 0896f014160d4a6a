package test

import (
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/k8scheck"
)

// TestKubernetesObjectsAreValid checks, on every env as it deploys, what
// the app puts into its clusters as the API server, Helm and the kubelet
// will check it on the first deploy: every manifest object (strict fields,
// names, labels, annotations, one object per kind, namespace and name in a
// cluster across all stacks), the Load Balancer Controller's release and
// its values, node group labels and taints, Pod Identity names
// (internal/k8scheck).
func TestKubernetesObjectsAreValid(t *testing.T) {
	schemas, err := k8scheck.LoadSchemas()
	if err != nil {
		t.Fatal(err)
	}
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			applied := 0
			for _, tmpl := range tmpls {
				applied += len(resourcesOf(tmpl, "Custom::AWSCDK-EKS-KubernetesResource")) + len(resourcesOf(tmpl, "Custom::AWSCDK-EKS-HelmChart"))
			}
			if applied == 0 {
				t.Fatal("no manifest or Helm chart in any stack: the check would pass vacuously")
			}
			for _, f := range schemas.Check(tmpls) {
				t.Error(f)
			}
		})
	}
}
