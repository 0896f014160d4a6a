package test

import (
	"slices"
	"strings"
	"testing"
)

// TestAccessEditsOnPrd: on prd as deployed, adding an admin before
// platform-admin and replacing sre-readonly by another read-only role
// reviews as the new roles' entries added and sre-readonly's removed:
// no entry is replaced (EKS would refuse a second entry for a principal
// still held), and platform-admin's, deployed as Admin0, is untouched.
func TestAccessEditsOnPrd(t *testing.T) {
	dr, d := start(t)
	d = d.clone(t)
	access := d.cluster("blue")["access"].(map[string]any)
	access["adminRoleArns"] = []any{"arn:aws:iam::430987654321:role/break-glass", "arn:aws:iam::430987654321:role/platform-admin"}
	access["readOnlyRoleArns"] = []any{"arn:aws:iam::430987654321:role/developer"}
	o := dr.deploy(d)
	only(t, o.report, map[string][]string{"prd-cluster-blue": {"AWS::EKS::AccessEntry"}})
	var got []string
	for _, s := range o.report.Stacks {
		for _, c := range s.Changes {
			if c.Impact == "WILL_REPLACE" || c.Impact == "MAY_REPLACE" {
				t.Errorf("%s %s: %s", s.Name, c.LogicalID, c.Impact)
			}
			got = append(got, c.Change+" "+c.LogicalID[:len(c.LogicalID)-8])
		}
	}
	slices.Sort(got)
	want := []string{"added ClusterAccessbreakglass", "added ClusterAccessdeveloper", "removed ClusterReadOnly0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
