package envs

import (
	"strings"
	"testing"
	"time"
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
