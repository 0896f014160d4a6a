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
		{"pinned and fetched", "github.com/aws/eks-charts", "v0.0.243-0.20260821194545-743f98a89b5b", ""},
		{"not in go.mod", "example.com/charts", "v1.0.0", "go.mod does not require example.com/charts (`go mod tidy` drops it: it has no Go packages; `make tidy` keeps it): restore it with `go get example.com/charts@v1.0.0`"},
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
