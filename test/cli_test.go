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
	dir := t.TempDir()
	for _, env := range []string{"dev", "stg", "prd"} {
		data, err := os.ReadFile(filepath.Join("..", "envs", env+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if env == "stg" {
			data = bytes.Replace(data, []byte("natGateways: 3"), []byte("natGateways: 5"), 1)
			data = bytes.Replace(data, []byte("tgw-0a1b2c3d4e5f60718"), []byte("tgw-XYZ"), 1)
		}
		os.WriteFile(filepath.Join(dir, env+".yaml"), data, 0o644)
	}
	for _, tc := range []struct {
		name, context string
		want          []string
	}{
		{"invalid fields", `{"envsDir":"` + dir + `"}`, []string{
			"invalid environment config:",
			dir + "/stg.yaml:15: network.natGateways: must be between 1 and 3 (one per AZ at most), got 5",
			dir + `/stg.yaml:23: network.directConnect.tgw.transitGatewayId: must be a Transit Gateway id (tgw- and 8 to 17 hex digits), got "tgw-XYZ"`,
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
