package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployLeavesTheGuardrailsToAnAdministrator runs `make deploy` with a
// stand-in cdk that records what it is asked: the workflow's deploy ships
// every stack of the env but <env>-github, whose policies bound the deploy
// path itself; `make deploy-guardrails` ships only that one.
func TestDeployLeavesTheGuardrailsToAnAdministrator(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	fake := filepath.Join(dir, "cdk")
	script := `#!/bin/sh
echo "$*" >> ` + log + `
case "$*" in
*" ls "*) printf 'prd/github (prd-github)\nprd/logging (prd-logging)\nprd/network (prd-network)\nprd/cluster-blue (prd-cluster-blue)\n' ;;
esac
`
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(target string) []string {
		os.Remove(log)
		cmd := exec.Command("make", "-s", "-C", "../..", target, "ENV=prd", "ASSEMBLY=assembly", "CDK="+fake+" --no-notices")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make %s: %v\n%s", target, err, out)
		}
		data, _ := os.ReadFile(log)
		return strings.Split(strings.TrimSpace(string(data)), "\n")
	}
	calls := run("deploy")
	last := calls[len(calls)-1]
	if !strings.HasPrefix(last, "--no-notices deploy --app assembly prd/logging prd/network prd/cluster-blue ") {
		t.Errorf("make deploy ran %q, want the env's stacks without prd/github", last)
	}
	if strings.Contains(last, "prd/github") {
		t.Errorf("make deploy ships the guardrails stack: %q", last)
	}
	calls = run("deploy-guardrails")
	if len(calls) != 1 || !strings.Contains(calls[0], "deploy --app assembly prd/github") {
		t.Errorf("make deploy-guardrails ran %q, want only prd/github", calls)
	}
}
