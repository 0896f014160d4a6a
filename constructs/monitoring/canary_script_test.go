package monitoring

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a private CA and a server certificate it issued for localhost.
type testCA struct {
	pem    string
	server tls.Certificate
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test internal CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return testCA{
		pem:    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		server: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key},
	}
}

// synthetics stands in for the runtime's modules: executeHttpStep makes
// the request with the script's options and hands the response to its
// callback, failing the step on a request error, as the runtime does.
const synthetics = `const https = require('https');
module.exports = {
  executeHttpStep: (name, options, callback) => new Promise((resolve, reject) => {
    const req = https.request(options, (res) => {
      res.resume();
      res.on('end', () => Promise.resolve(callback(res)).then(resolve, reject));
    });
    req.on('error', reject);
    req.end();
  }),
};`

// TestCanaryScript runs the canary's script under Node against an HTTPS
// server whose certificate a private CA issued: it passes only when it
// trusts that CA and gets a 2xx, so an internal canary is green only when
// the internal ALB answers with the certificate on-prem clients verify.
func TestCanaryScript(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH (make test puts the project's Node first)")
	}
	good, other := newTestCA(t), newTestCA(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{good.server}}
	// Rejected handshakes are the point of two cases, not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	for _, tc := range []struct {
		name, ca, path, want string
	}{
		{"trusts the private CA", good.pem, "/healthz", "PASS"},
		{"another CA's certificate", other.pem, "/healthz", "FAIL"},
		{"public CAs only", "", "/healthz", "FAIL"},
		{"5xx from the endpoint", good.pem, "/broken", "FAIL status 502"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for file, text := range map[string]string{
				"index.js":                               fmt.Sprintf(canaryScript, jsLiteral(tc.ca), jsLiteral(url+tc.path)),
				"node_modules/Synthetics/index.js":       synthetics,
				"node_modules/SyntheticsLogger/index.js": "module.exports = { info: () => {} };",
			} {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, file)), 0o755)
				if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(node, "-e", `require('./index.js').handler().then(() => console.log('PASS'), (e) => console.log('FAIL ' + e.message))`)
			cmd.Dir = dir
			// Only the script's own trust decides, not the machine's.
			cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS=", "NODE_TLS_REJECT_UNAUTHORIZED=")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("node: %v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, tc.want) {
				t.Errorf("canary run: %s, want %s", got, tc.want)
			}
		})
	}
}
