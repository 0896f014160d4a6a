package cluster

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

func role(name string) string { return "arn:aws:iam::111111111111:role/" + name }

// centralSRE is a role of another account (a trusted one).
const centralSRE = "arn:aws:iam::222222222222:role/sre-readonly"

func TestAccessEntryIDs(t *testing.T) {
	t.Run("two roles, one id", func(t *testing.T) {
		_, err := accessEntryIDs(ClusterProps{
			AdminRoleArns:  []string{role("a"), role("b")},
			AccessEntryIDs: map[string]string{role("b"): "Access-a"},
		}, "111111111111")
		if err == nil || !strings.Contains(err.Error(), `both would be access entry "Access-a"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a role listed twice", func(t *testing.T) {
		_, err := accessEntryIDs(ClusterProps{AdminRoleArns: []string{role("a")}, ReadOnlyRoleArns: []string{role("a")}}, "111111111111")
		if err == nil || !strings.Contains(err.Error(), "listed twice") {
			t.Fatalf("err = %v", err)
		}
	})
}

// access is a cluster's access config.
type access struct {
	admins, readOnly []string
	pinned           map[string]string
}

// accessTemplate is the template of a cluster with the access config.
func accessTemplate(t *testing.T, a access) map[string]map[string]any {
	t.Helper()
	stack, _ := newClusterStackWith(t, "1.34", func(p *ClusterProps) {
		p.AdminRoleArns, p.ReadOnlyRoleArns, p.AccessEntryIDs = a.admins, a.readOnly, a.pinned
	}, groupSpec{pool: "general", version: "1.34"})
	resources := map[string]map[string]any{}
	for id, r := range (*constructtest.Template(t, stack).ToJSON())["Resources"].(map[string]any) {
		resources[id] = r.(map[string]any)
	}
	return resources
}

// principals are the access entries of a template by logical id: their
// principal and their access policy.
func principals(resources map[string]map[string]any) map[string][2]string {
	out := map[string][2]string{}
	for id, r := range resources {
		if r["Type"] != "AWS::EKS::AccessEntry" {
			continue
		}
		p := r["Properties"].(map[string]any)
		principal, ok := p["PrincipalArn"].(string)
		if !ok {
			continue // the kubectl provider's own entry, a reference
		}
		data, _ := json.Marshal(p["AccessPolicies"])
		policy := "admin"
		if strings.Contains(string(data), readOnlyAccessPolicy) {
			policy = "read-only"
		}
		out[id] = [2]string{principal, policy}
	}
	return out
}

// TestAccessEdits: adding, removing, reordering roles and moving one
// between admins and read-only change the entries of the roles that come
// and go, and nothing else. Each entry keeps its logical id and principal
// (no replacement, which EKS would refuse: one entry per principal), a
// moved role's entry changes its access policy in place, and every other
// resource of the stack is as it was. Entries are deleted with their role,
// not retained, whatever the cluster's removal policy.
func TestAccessEdits(t *testing.T) {
	base := access{
		admins:   []string{role("platform-admin"), role("break-glass"), role("sre-lead")},
		readOnly: []string{role("sre-readonly"), role("developer"), centralSRE},
	}
	before := accessTemplate(t, base)
	for _, tc := range []struct {
		name  string
		after access
		// gone and added are principals; moved ones change policy.
		gone, added, moved []string
	}{
		{
			name:  "remove the first admin and the first read-only role, reorder the rest",
			after: access{admins: []string{role("sre-lead"), role("break-glass")}, readOnly: []string{centralSRE, role("developer")}},
			gone:  []string{role("platform-admin"), role("sre-readonly")},
		},
		{
			name:  "add a role first, move an admin to read-only and a read-only role to admins",
			after: access{admins: []string{role("auditor"), role("developer"), role("platform-admin"), role("break-glass")}, readOnly: []string{role("sre-lead"), role("sre-readonly"), centralSRE}},
			added: []string{role("auditor")},
			moved: []string{role("developer"), role("sre-lead")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := accessTemplate(t, tc.after)
			was, is := principals(before), principals(after)
			for id, r := range before {
				now, kept := after[id]
				switch {
				case r["Type"] == "AWS::EKS::AccessEntry" && !kept:
					if p := was[id][0]; !slices.Contains(tc.gone, p) {
						t.Errorf("%s (%s) removed; only the entries of %v may go", id, p, tc.gone)
					}
					if r["DeletionPolicy"] != "Delete" {
						t.Errorf("%s (%s) would be %s, not deleted, with its role", id, was[id][0], r["DeletionPolicy"])
					}
				case !kept:
					t.Errorf("%s (%s) removed", id, r["Type"])
				case was[id] != [2]string{} && was[id][0] != is[id][0]:
					t.Errorf("%s replaced: principal %s → %s", id, was[id][0], is[id][0])
				case slices.Contains(tc.moved, was[id][0]):
					if was[id][1] == is[id][1] {
						t.Errorf("%s (%s) kept its %s policy; want it moved", id, was[id][0], was[id][1])
					}
					without := func(r map[string]any) map[string]any {
						c := map[string]any{}
						for k, v := range r {
							c[k] = v
						}
						props := map[string]any{}
						for k, v := range r["Properties"].(map[string]any) {
							if k != "AccessPolicies" {
								props[k] = v
							}
						}
						c["Properties"] = props
						return c
					}
					if !reflect.DeepEqual(without(r), without(now)) {
						t.Errorf("%s (%s) changed beyond its access policy", id, was[id][0])
					}
				case !reflect.DeepEqual(r, now):
					t.Errorf("%s (%s) changed", id, r["Type"])
				}
			}
			for id, p := range is {
				if _, existed := before[id]; !existed && !slices.Contains(tc.added, p[0]) {
					t.Errorf("%s (%s) added; only the entries of %v may come", id, p[0], tc.added)
				}
			}
			if len(after) != len(before)-len(tc.gone)+len(tc.added) {
				t.Errorf("%d resources after, want %d", len(after), len(before)-len(tc.gone)+len(tc.added))
			}
		})
	}
}

// TestPinnedAccessEntryIDs: an entry deployed under an id by position
// keeps it, wherever its role moves in the lists.
func TestPinnedAccessEntryIDs(t *testing.T) {
	pinned := map[string]string{role("platform-admin"): "Admin0", role("sre-readonly"): "ReadOnly0"}
	byPrincipal := func(a access) map[string]string {
		out := map[string]string{}
		for id, p := range principals(accessTemplate(t, a)) {
			out[p[0]] = id
		}
		return out
	}
	deployed := byPrincipal(access{admins: []string{role("platform-admin")}, readOnly: []string{role("sre-readonly")}, pinned: pinned})
	edited := byPrincipal(access{admins: []string{role("break-glass"), role("platform-admin")}, readOnly: []string{role("sre-readonly"), role("developer")}, pinned: pinned})
	for _, p := range []string{role("platform-admin"), role("sre-readonly")} {
		if deployed[p] != edited[p] {
			t.Errorf("%s: entry %s became %s", p, deployed[p], edited[p])
		}
		if !strings.HasPrefix(deployed[p], "Cluster"+pinned[p]) {
			t.Errorf("%s: entry %s, want the pinned id %s", p, deployed[p], pinned[p])
		}
	}
	if id := edited[role("break-glass")]; !strings.HasPrefix(id, "ClusterAccessbreakglass") {
		t.Errorf("break-glass: entry %s, want its role-keyed id", id)
	}
}
