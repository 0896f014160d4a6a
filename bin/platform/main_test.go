package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runMainEnv makes the test binary run the app's run() instead of the
// tests: a fresh process, so its package inits run under the test's
// environment.
const runMainEnv = "PLATFORM_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

// TestBadConfigStartsNoNode: bad config is refused before anything starts
// Node, package inits included. The app runs with JSII_NODE naming no
// program, so any jsii call (a CDK value made at some package's init, or
// the app built before config is checked) fails it with another error
// than the config's.
func TestBadConfigStartsNoNode(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dev.yaml"), []byte("name: dev\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, context, want string
	}{
		{"invalid env file", `{"envsDir":"` + dir + `"}`, "bogus: unknown field"},
		{"unknown env selected", `{"envsDir":"../../envs","env":"qa"}`, `unknown environment "qa"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), runMainEnv+"=1", "JSII_NODE="+filepath.Join(dir, "no-node"), "CDK_CONTEXT_JSON="+tc.context)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), tc.want) {
				t.Fatalf("exit %v, output:\n%s\nwant exit 1 and %q, with no Node started", err, out, tc.want)
			}
		})
	}
}
