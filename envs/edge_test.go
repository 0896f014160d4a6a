package envs

import (
	"strings"
	"testing"
	"time"

	"github.com/ecplatform/eks-platform/internal/testpki"
)

// TestInternalCaValidity: a CA certificate outside its validity period is
// rejected at load, before a canary trusting it fails every run.
func TestInternalCaValidity(t *testing.T) {
	cfg, err := Load("prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer func(f func() time.Time) { now = f }(now)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC), "is valid from 2026-11-01 to 2036-11-01, not now: renew the CA certificate"},
		{time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), "not now"},
	} {
		t.Run(tc.at.Format("2006-01-02"), func(t *testing.T) {
			now = func() time.Time { return tc.at }
			var errs ErrorList
			validateCaCertificate(cfg.Edge.InternalCaCertificate, NewPath("edge").Child("internalCaCertificate"), &errs)
			got := errs.Err()
			if (tc.want == "") != (got == nil) || (got != nil && !strings.Contains(got.Error(), tc.want)) {
				t.Errorf("validate at %s = %v, want %q", tc.at, got, tc.want)
			}
		})
	}
}

// TestInternalCaChain: the canary's TLS trusts a chain only up to a root it
// is given, so the bundle must reach a self-signed root.
func TestInternalCaChain(t *testing.T) {
	root := testpki.CA(t, "ECPlatform root CA", nil)
	intermediate := testpki.CA(t, "ECPlatform issuing CA", &root)
	other := testpki.CA(t, "another root", nil)
	server := testpki.Server(t, intermediate, "api.shop.internal")
	for _, tc := range []struct {
		name   string
		bundle []testpki.Cert
		want   string
	}{
		{"root alone", []testpki.Cert{root}, ""},
		{"intermediate and root", []testpki.Cert{intermediate, root}, ""},
		{"intermediate alone", []testpki.Cert{intermediate}, "certificate 1 (ECPlatform issuing CA) is issued by ECPlatform root CA, which is not in the bundle"},
		{"intermediate with an unrelated root", []testpki.Cert{intermediate, other}, "is issued by ECPlatform root CA, which is not in the bundle"},
		{"server certificate", []testpki.Cert{server, intermediate, root}, "certificate 1 (api.shop.internal) is not a CA certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var text string
			for _, c := range tc.bundle {
				text += c.PEM
			}
			var errs ErrorList
			validateCaCertificate(text, NewPath("edge").Child("internalCaCertificate"), &errs)
			got := errs.Err()
			if (tc.want == "") != (got == nil) || (got != nil && !strings.Contains(got.Error(), tc.want)) {
				t.Errorf("validate = %v, want %q", got, tc.want)
			}
		})
	}
}
