package k8scheck

import (
	"io/fs"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	loadOnce   sync.Once
	loaded     *Schemas
	loadFailed error
)

// schemas loads the pinned chart and control-plane CRD modules once for all
// tests.
func schemas(t *testing.T) *Schemas {
	t.Helper()
	loadOnce.Do(func() { loaded, loadFailed = LoadSchemas() })
	if loadFailed != nil {
		t.Fatal("the modules holding charts and CRDs can't be read: TestSchemaModules says why")
	}
	return loaded
}

// TestSchemaModules fails, saying how to fix it, when go.mod no longer pins
// a module the check reads charts or CRDs from (`go mod tidy` drops them)
// or `make deps` has not fetched it; every other test of the package needs
// them.
func TestSchemaModules(t *testing.T) {
	if _, err := LoadSchemas(); err != nil {
		t.Fatal(err)
	}
}

// TestLoadBalancerControllerSchemas: the TargetGroupBinding versions the
// app applies are checkable (their 3.5.0 schemas are chart 1.17.1's), and
// a 3.5.0 schema that 1.17.1 lacks is not.
func TestLoadBalancerControllerSchemas(t *testing.T) {
	s := schemas(t)
	for _, tc := range []struct {
		gvk       schema.GroupVersionKind
		checkable bool
	}{
		{schema.GroupVersionKind{Group: "elbv2.k8s.aws", Version: "v1beta1", Kind: "TargetGroupBinding"}, true},
		{schema.GroupVersionKind{Group: "elbv2.k8s.aws", Version: "v1alpha1", Kind: "TargetGroupBinding"}, true},
		{schema.GroupVersionKind{Group: "elbv2.k8s.aws", Version: "v1beta1", Kind: "IngressClassParams"}, true},
		{schema.GroupVersionKind{Group: "gateway.k8s.aws", Version: "v1beta1", Kind: "TargetGroupConfiguration"}, false},
		{schema.GroupVersionKind{Group: "gateway.k8s.aws", Version: "v1", Kind: "TargetGroupConfiguration"}, false},
	} {
		t.Run(tc.gvk.String(), func(t *testing.T) {
			k, ok := s.custom[tc.gvk]
			if !ok {
				t.Fatal("not served by the chart's CRDs")
			}
			if got := k.Problem == ""; got != tc.checkable {
				t.Fatalf("checkable = %v (%s), want %v", got, k.Problem, tc.checkable)
			}
		})
	}
}

// TestCRDSources: a chart's CRD is in a cluster only with a release of the
// chart there; a control-plane CRD is in every cluster, release or not.
func TestCRDSources(t *testing.T) {
	s := schemas(t)
	tgb := schema.GroupVersionKind{Group: "elbv2.k8s.aws", Version: "v1beta1", Kind: "TargetGroupBinding"}
	sgp := schema.GroupVersionKind{Group: "vpcresources.k8s.aws", Version: "v1beta1", Kind: "SecurityGroupPolicy"}
	lbc := func(cluster string) release {
		return release{Origin: Origin{Cluster: cluster}, Repository: lbController.Repository, Chart: lbController.Name, Version: lbController.Version}
	}
	for _, tc := range []struct {
		name     string
		gvk      schema.GroupVersionKind
		source   crdSource
		releases []release
		absent   string // what absentFrom("dev-blue") says; "" for a CRD the cluster has
	}{
		{"TargetGroupBinding with the chart's release", tgb, &lbController, []release{lbc("dev-blue")}, ""},
		{"TargetGroupBinding without a release", tgb, &lbController, nil,
			"no release of chart aws-load-balancer-controller in cluster dev-blue installs its CRD targetgroupbindings.elbv2.k8s.aws"},
		{"TargetGroupBinding with a release in another cluster only", tgb, &lbController, []release{lbc("dev-green")},
			"no release of chart aws-load-balancer-controller in cluster dev-blue installs its CRD targetgroupbindings.elbv2.k8s.aws"},
		{"SecurityGroupPolicy without a release", sgp, &securityGroupPolicies, nil, ""},
		{"SecurityGroupPolicy with the chart's release", sgp, &securityGroupPolicies, []release{lbc("dev-blue")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := s.custom[tc.gvk]
			if !ok {
				t.Fatalf("%s is not served by a CRD the check knows", tc.gvk)
			}
			if k.Source != tc.source {
				t.Fatalf("source = %s, want %s", k.Source, tc.source)
			}
			if got := k.Source.absentFrom("dev-blue", k.CRD, tc.releases); got != tc.absent {
				t.Fatalf("absentFrom() = %q, want %q", got, tc.absent)
			}
		})
	}
}

// TestControlPlaneCRDs: every version the CRD serves is checkable, with the
// CRD's scope.
func TestControlPlaneCRDs(t *testing.T) {
	s := schemas(t)
	for _, tc := range []struct {
		gvk        schema.GroupVersionKind
		crd        string
		namespaced bool
	}{
		{schema.GroupVersionKind{Group: "vpcresources.k8s.aws", Version: "v1beta1", Kind: "SecurityGroupPolicy"}, securityGroupPolicies.Name, true},
	} {
		t.Run(tc.gvk.String(), func(t *testing.T) {
			k, ok := s.custom[tc.gvk]
			if !ok {
				t.Fatal("not served by the control-plane CRDs")
			}
			if k.CRD != tc.crd || k.Namespaced != tc.namespaced || k.Problem != "" {
				t.Fatalf("CRD %s, namespaced %v, problem %q; want CRD %s, namespaced %v, checkable", k.CRD, k.Namespaced, k.Problem, tc.crd, tc.namespaced)
			}
		})
	}
}

// TestVendoredCharts: the charts read from vendored/ are the released files
// (git blob ids of the chart repository's tags) at the version the app
// installs; a changed byte, or a file of another version, fails loading.
func TestVendoredCharts(t *testing.T) {
	for _, c := range []*chart{&falco, &falcosidekick, &datadog} {
		t.Run(c.String(), func(t *testing.T) {
			lc, crds, err := loadVendoredChart(c, vendoredCharts)
			if err != nil {
				t.Fatal(err)
			}
			if len(lc.values) == 0 || len(crds) != 0 {
				t.Fatalf("%d top-level values, %d CRDs: want the chart's values and no CRDs", len(lc.values), len(crds))
			}
			if _, listed := c.VendoredBlobs["values.schema.json"]; listed != (lc.schema != nil) {
				t.Errorf("values.schema.json listed %v, compiled %v", listed, lc.schema != nil)
			}
			data, err := fs.ReadFile(vendoredCharts, path.Join("vendored", c.Vendored, "values.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			tampered := fstest.MapFS{
				path.Join("vendored", c.Vendored, "Chart.yaml"):  {Data: mustRead(t, path.Join("vendored", c.Vendored, "Chart.yaml"))},
				path.Join("vendored", c.Vendored, "values.yaml"): {Data: append(data, []byte("\nextra: true\n")...)},
			}
			if _, _, err := loadVendoredChart(c, tampered); err == nil || !strings.Contains(err.Error(), "values.yaml is not the released file") {
				t.Errorf("a changed values.yaml loads: %v", err)
			}
			other := *c
			other.Version = "0.0.1"
			if _, _, err := loadVendoredChart(&other, vendoredCharts); err == nil || !strings.Contains(err.Error(), "not "+c.Name+" 0.0.1") {
				t.Errorf("the files of %s load as version 0.0.1: %v", c.Version, err)
			}
		})
	}
	// Falco's values the platform depends on are the chart's.
	lc, _, _ := loadVendoredChart(&falco, vendoredCharts)
	driver, _ := lc.values["driver"].(map[string]any)
	if _, ok := driver["kind"]; !ok {
		t.Error("values.yaml of falco 9.1.0 has no driver.kind")
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(vendoredCharts, name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
