// Package testpki issues throwaway X.509 certificates for tests: private
// root and issuing CAs and server certificates, valid from an hour ago to
// an hour from now, as an ACM Private CA hierarchy would issue them.
package testpki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
)

// Cert is an issued certificate with its key.
type Cert struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// PEM is the certificate (never the key) in PEM.
	PEM string
}

// CA issues a CA certificate: self-signed (a root) when parent is nil,
// else issued by parent (a subordinate).
func CA(t testing.TB, name string, parent *Cert) Cert {
	t.Helper()
	return issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}, parent)
}

// Server issues a TLS server certificate for hosts (DNS names or IP
// addresses) from issuer.
func Server(t testing.TB, issuer Cert, hosts ...string) Cert {
	t.Helper()
	tmpl := &x509.Certificate{
		Subject: pkix.Name{CommonName: hosts[0]}, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return issue(t, tmpl, &issuer)
}

// TLS is c served with its chain, as a load balancer serves it.
func (c Cert) TLS(chain ...Cert) tls.Certificate {
	out := tls.Certificate{Certificate: [][]byte{c.Cert.Raw}, PrivateKey: c.Key}
	for _, ca := range chain {
		out.Certificate = append(out.Certificate, ca.Cert.Raw)
	}
	return out
}

func issue(t testing.TB, tmpl *x509.Certificate, parent *Cert) Cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return Cert{Cert: cert, Key: key, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}
