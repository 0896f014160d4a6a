package k8scheck

import (
	"strings"
	"testing"
)

// TestLoadControlPlaneCRD: a record reads only from the module version it
// was taken from, and only the CRD it names.
func TestLoadControlPlaneCRD(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *controlPlaneCRD)
		want string // a substring of the error; "" for none
	}{
		{"as pinned", nil, ""},
		{"a record for another module version", func(c *controlPlaneCRD) { c.ModuleVersion = "v1.8.1" },
			"go.mod pins github.com/aws/amazon-vpc-resource-controller-k8s v1.8.2, but the check's record is for v1.8.1"},
		{"a CRD the file does not hold", func(c *controlPlaneCRD) { c.Name = "cninodes.vpcresources.k8s.aws" },
			"holds no served version of CRD cninodes.vpcresources.k8s.aws"},
		{"a file the module does not hold", func(c *controlPlaneCRD) { c.File = "config/crd/bases/missing.yaml" },
			"no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := securityGroupPolicies // a copy
			if tc.edit != nil {
				tc.edit(&c)
			}
			kinds, err := loadControlPlaneCRD(&c)
			if tc.want == "" {
				if err != nil || len(kinds) == 0 {
					t.Fatalf("loadControlPlaneCRD() = %d kinds, %v", len(kinds), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("loadControlPlaneCRD() error = %v, want %q", err, tc.want)
			}
		})
	}
}
