// Package nocdk checks that a package links none of the CDK's Go modules.
// Those start a Node process (jsii) as soon as any of their values is
// used, which costs about a second: config checks (envs) and the facts
// they read (spec) must run in milliseconds, with no Node at all.
package nocdk

import (
	"os/exec"
	"strings"
	"testing"
)

// CDKModules are the module paths that bring in jsii and its Node process.
var CDKModules = []string{
	"github.com/aws/aws-cdk-go",
	"github.com/aws/jsii-runtime-go",
	"github.com/aws/constructs-go",
}

// Check fails t for each import of a CDK module (CDKModules) among the
// dependencies of the package pattern (as go list takes it, e.g. "." in a
// test's own directory), naming the imported package and the package of
// ours that imports it.
func Check(t *testing.T, pattern string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, pattern).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list -deps %s: %v\n%s", pattern, err, ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v", pattern, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	// go list -deps prints the package itself last.
	target := strings.Fields(lines[len(lines)-1])[0]
	for _, line := range lines {
		fields := strings.Fields(line)
		if cdkModuleOf(fields[0]) != "" {
			continue // the CDK's own imports of itself
		}
		for _, imp := range fields[1:] {
			if module := cdkModuleOf(imp); module != "" {
				t.Errorf("%s depends on %s (module %s), imported by %s: it starts Node; take the fact from spec, or move it there as a plain value", target, imp, module, fields[0])
			}
		}
	}
}

// cdkModuleOf is the CDK module of importPath, or "".
func cdkModuleOf(importPath string) string {
	for _, m := range CDKModules {
		if importPath == m || strings.HasPrefix(importPath, m+"/") {
			return m
		}
	}
	return ""
}
