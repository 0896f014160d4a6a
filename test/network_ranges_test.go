package test

import (
	"net/netip"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
)

// TestServiceRangesShadowNoRoute: every cluster, as it deploys, has a
// Kubernetes service range of its own choosing that overlaps neither its
// VPC nor an on-prem range. Left unset, EKS picks 172.20.0.0/16 for a 10.x
// VPC, which is one of prd's on-prem ranges: kube-proxy would capture it on
// every node and no pod could reach the offices behind it.
func TestServiceRangesShadowNoRoute(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			routed := map[string]netip.Prefix{"vpc": netip.MustParsePrefix(cfg.Network.VpcCidr)}
			for _, s := range cfg.Network.OnPremCidrs {
				routed["on-prem "+s] = netip.MustParsePrefix(s)
			}
			clusters := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				for id, p := range resourcesOf(tmpl, "AWS::EKS::Cluster") {
					clusters++
					knc, _ := p["KubernetesNetworkConfig"].(map[string]any)
					s, _ := knc["ServiceIpv4Cidr"].(string)
					svc, err := netip.ParsePrefix(s)
					if err != nil {
						t.Errorf("%s %s: no service range set (KubernetesNetworkConfig %v): EKS would pick one knowing only the VPC", stack, id, knc)
						continue
					}
					for what, r := range routed {
						if r.Overlaps(svc) {
							t.Errorf("%s %s: service range %s overlaps the %s range %s", stack, id, svc, what, r)
						}
					}
				}
			}
			if clusters != len(cfg.Clusters) {
				t.Errorf("%d clusters in the templates, config has %d", clusters, len(cfg.Clusters))
			}
		})
	}
}
