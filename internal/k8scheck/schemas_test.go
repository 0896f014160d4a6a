package k8scheck

import (
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	loadOnce   sync.Once
	loaded     *Schemas
	loadFailed error
)

// schemas loads the pinned chart modules once for all tests.
func schemas(t *testing.T) *Schemas {
	t.Helper()
	loadOnce.Do(func() { loaded, loadFailed = LoadSchemas() })
	if loadFailed != nil {
		t.Fatal("the chart modules can't be read: TestChartModules says why")
	}
	return loaded
}

// TestChartModules fails, saying how to fix it, when go.mod no longer pins
// a chart module the check reads (`go mod tidy` drops them) or `make deps`
// has not fetched it; every other test of the package needs them.
func TestChartModules(t *testing.T) {
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
