package test

import (
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// TestControllerImageIsFromTheRegionsRegistry: every cluster's Load
// Balancer Controller pulls its image from the EKS registry of its env's
// region, whose account differs by region; prd runs in Tokyo.
func TestControllerImageIsFromTheRegionsRegistry(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"prd": "602401143452.dkr.ecr.ap-northeast-1.amazonaws.com/amazon/aws-load-balancer-controller"}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			if cfg.Name == "prd" && cfg.Region != "ap-northeast-1" {
				t.Fatalf("prd is in %s; this test expects Tokyo", cfg.Region)
			}
			charts := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				for id, p := range resourcesOf(tmpl, "Custom::AWSCDK-EKS-HelmChart") {
					if p["Chart"] != "aws-load-balancer-controller" {
						continue
					}
					charts++
					values := catalogcheck.Render(p["Values"])
					if w, ok := want[cfg.Name]; ok && !strings.Contains(values, `"repository":"`+w+`"`) {
						t.Errorf("%s %s: the controller's image is not %s: %s", stack, id, w, values)
					}
					if !strings.Contains(values, `.dkr.ecr.`+cfg.Region+`.amazonaws.com/amazon/aws-load-balancer-controller"`) {
						t.Errorf("%s %s: the controller's image is not from %s's registry: %s", stack, id, cfg.Region, values)
					}
				}
			}
			if charts != len(cfg.Clusters) {
				t.Errorf("%d Load Balancer Controller charts, want one per cluster (%d)", charts, len(cfg.Clusters))
			}
		})
	}
}
