package envs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
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

// TestInternalCaChain: the canary's TLS trusts a chain only up to a root it
// is given, so the bundle must reach a self-signed root.
func TestInternalCaChain(t *testing.T) {
	root := newCert(t, "ECPlatform root CA", nil, true)
	intermediate := newCert(t, "ECPlatform issuing CA", &root, true)
	other := newCert(t, "another root", nil, true)
	server := newCert(t, "api.shop.internal", &intermediate, false)
	for _, tc := range []struct {
		name   string
		bundle []issued
		want   string
	}{
		{"root alone", []issued{root}, ""},
		{"intermediate and root", []issued{intermediate, root}, ""},
		{"intermediate alone", []issued{intermediate}, "certificate 1 (ECPlatform issuing CA) is issued by ECPlatform root CA, which is not in the bundle"},
		{"intermediate with an unrelated root", []issued{intermediate, other}, "is issued by ECPlatform root CA, which is not in the bundle"},
		{"server certificate", []issued{server, intermediate, root}, "certificate 1 (api.shop.internal) is not a CA certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var text string
			for _, c := range tc.bundle {
				text += c.pem
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

// issued is a certificate with its key, to issue others.
type issued struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

func newCert(t *testing.T, name string, parent *issued, ca bool) issued {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: ca, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return issued{cert, key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}
