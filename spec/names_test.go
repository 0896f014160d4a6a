package spec

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestAccessEntryID(t *testing.T) {
	for _, tc := range []struct{ principal, want string }{
		{"arn:aws:iam::111111111111:role/platform-admin", "Access-platform-admin"},
		{"arn:aws:iam::111111111111:role/teams/payments/oncall", "Access-oncall"},
		{"arn:aws:iam::111111111111:role/a.b+c=d,e@f_g-h", "Access-a.b+c=d,e@f_g-h"},
		{"arn:aws:iam::222222222222:role/sre-readonly", "Access-222222222222-sre-readonly"},
	} {
		if got := AccessEntryID(tc.principal, "111111111111"); got != tc.want {
			t.Errorf("AccessEntryID(%s) = %q, want %q", tc.principal, got, tc.want)
		}
	}
}

// TestDNSLabelIsTheAPIServers: IsDNSLabel, which config and the constructs
// use for namespaces and Service names, says what the API server says.
func TestDNSLabelIsTheAPIServers(t *testing.T) {
	for _, s := range []string{"", "a", "api-gateway", "-a", "a-", "A", "a.b", "a_b", "0", strings.Repeat("a", 63), strings.Repeat("a", 64), "ab-0c"} {
		if got, want := IsDNSLabel(s), len(validation.IsDNS1123Label(s)) == 0; got != want {
			t.Errorf("IsDNSLabel(%q) = %v, the API server's rule says %v", s, got, want)
		}
	}
}
