package spec

import "testing"

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
