package k8scheck

import (
	"strings"
	"testing"
)

func TestModuleDir(t *testing.T) {
	for _, tc := range []struct {
		name, path, pinned string
		want               string // a substring of the error; "" for none
	}{
		{"a chart source, pinned and fetched", lbController.Module, lbController.ModuleVersion, ""},
		{"a control-plane CRD's module, pinned and fetched", securityGroupPolicies.Module, securityGroupPolicies.ModuleVersion, ""},
		{"not in go.mod", "example.com/charts", "v1.0.0", "go.mod does not require example.com/charts (`go mod tidy` drops it: no package of the app imports it; `make tidy` keeps it): restore it with `go mod edit -require=example.com/charts@v1.0.0 && go mod download example.com/charts`"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _, err := moduleDir(tc.path, tc.pinned)
			if tc.want == "" {
				if err != nil || dir == "" {
					t.Fatalf("moduleDir() = %q, %v", dir, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("moduleDir() error = %v, want %q", err, tc.want)
			}
		})
	}
}
