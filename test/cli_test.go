package test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	appBinary string
	buildErr  error
)

// platformBinary builds bin/platform once, as cdk.json runs it.
func platformBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "platform-bin-")
		if err != nil {
			buildErr = err
			return
		}
		appBinary = filepath.Join(dir, "platform")
		out, err := exec.Command("go", "build", "-o", appBinary, "../bin/platform").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return appBinary
}

// runApp runs the app the way the CDK CLI does: context in CDK_CONTEXT_JSON,
// output directory in CDK_OUTDIR.
func runApp(t *testing.T, context string) (outdir, stderr string, err error) {
	t.Helper()
	outdir = t.TempDir()
	cmd := exec.Command(platformBinary(t))
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+outdir, "CDK_CONTEXT_JSON="+context, "CDK_VALIDATION=false")
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	err = cmd.Run()
	return outdir, errBuf.String(), err
}

// TestSelectingOneEnvBuildsOnlyIt: `make synth ENV=prd` constructs prd's
// stacks and no other env's.
func TestSelectingOneEnvBuildsOnlyIt(t *testing.T) {
	out, stderr, err := runApp(t, `{"env":"prd"}`)
	if err != nil {
		t.Fatalf("app failed: %v\n%s", err, stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "assembly-*"))
	if len(dirs) != 1 || filepath.Base(dirs[0]) != "assembly-prd" {
		t.Fatalf("assemblies = %v, want only assembly-prd", dirs)
	}
}

// TestBadConfigIsAReadableError: a broken env file stops the app before
// anything is built, with every problem on its own line naming the file,
// line and field, and no Go or JavaScript stack trace.
func TestBadConfigIsAReadableError(t *testing.T) {
	// envDir copies the shipped env files into a temp dir, edited.
	envDir := func(t *testing.T, env string, edits ...string) string {
		dir := t.TempDir()
		for _, e := range []string{"dev", "stg", "prd"} {
			data, err := os.ReadFile(filepath.Join("..", "envs", e+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; e == env && i+1 < len(edits); i += 2 {
				data = bytes.Replace(data, []byte(edits[i]), []byte(edits[i+1]), 1)
			}
			os.WriteFile(filepath.Join(dir, e+".yaml"), data, 0o644)
		}
		return dir
	}
	bad := envDir(t, "stg", "natGateways: 3", "natGateways: 5", "tgw-0a1b2c3d4e5f60718", "tgw-XYZ")
	resized := envDir(t, "prd", "instanceTypes: [m7i.2xlarge]\n        minSize: 3\n        desiredSize: 6\n        maxSize: 12\n      - pool: batch",
		"instanceTypes: [m7i.4xlarge]\n        minSize: 3\n        desiredSize: 6\n        maxSize: 12\n      - pool: batch")
	for _, tc := range []struct {
		name, context string
		want          []string
	}{
		{"invalid fields", `{"envsDir":"` + bad + `"}`, []string{
			"invalid environment config:",
			bad + "/stg.yaml:17: network.natGateways: must be between 1 and 3 (one per AZ at most), got 5",
			bad + `/stg.yaml:28: network.directConnect.tgw.transitGatewayId: must be a Transit Gateway id (tgw- and 8 to 17 hex digits), got "tgw-XYZ"`,
		}},
		{"node group replaced in place", `{"envsDir":"` + resized + `","baseline":"test/golden"}`, []string{
			"unsafe change against what is deployed (test/golden):",
			resized + "/prd.yaml:50: clusters[0].nodeGroups[1].instanceTypes: changing instanceTypes of node group general-1-34 from [m7i.2xlarge] to [m7i.4xlarge] makes CloudFormation replace it in place",
		}},
		{"unknown env", `{"env":"qa"}`, []string{`unknown environment "qa"; known: dev, prd, stg`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runApp(t, tc.context)
			if err == nil {
				t.Fatal("app accepted bad input")
			}
			if code := err.(*exec.ExitError).ExitCode(); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, leak := range []string{"goroutine ", "panic:", "    at ", "jsii"} {
				if strings.Contains(stderr, leak) {
					t.Errorf("stderr shows a stack trace (%q):\n%s", leak, stderr)
				}
			}
			if dirs, _ := filepath.Glob(filepath.Join(out, "assembly-*")); len(dirs) > 0 {
				t.Errorf("something was synthesized despite bad input: %v", dirs)
			}
		})
	}
}
