package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/internal/validationreport"
)

// fakeCDK is a stand-in cdk that records what it is asked in a log and
// lists prd's stacks; makeDeploy runs a make target with it and returns
// make's error and output and the cdk calls.
type fakeCDK struct{ bin, log string }

func newFakeCDK(t *testing.T) fakeCDK {
	t.Helper()
	dir := t.TempDir()
	f := fakeCDK{bin: filepath.Join(dir, "cdk"), log: filepath.Join(dir, "calls")}
	script := `#!/bin/sh
echo "$*" >> ` + f.log + `
case "$*" in
*" ls "*) printf 'prd/github (prd-github)\nprd/logging (prd-logging)\nprd/network (prd-network)\nprd/cluster-blue (prd-cluster-blue)\n' ;;
esac
`
	if err := os.WriteFile(f.bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f fakeCDK) make(t *testing.T, target, assembly string) (calls []string, out string, err error) {
	t.Helper()
	os.Remove(f.log)
	cmd := exec.Command("make", "-s", "-C", "../..", target, "ENV=prd", "ASSEMBLY="+assembly, "CDK="+f.bin+" --no-notices")
	data, err := cmd.CombinedOutput()
	logged, _ := os.ReadFile(f.log)
	if s := strings.TrimSpace(string(logged)); s != "" {
		calls = strings.Split(s, "\n")
	}
	return calls, string(data), err
}

// validatedAssembly writes a cloud assembly of prd's stacks as `make synth`
// leaves it: templates, a passing validation report (one finding per
// acknowledgement of the project, so none is stale) and the record of the
// validated templates.
func validatedAssembly(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	stacks := []string{"github", "logging", "network", "cluster-blue"}
	var artifacts, suppressed []string
	for _, s := range stacks {
		artifacts = append(artifacts, `"prd`+s+`": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "prd`+s+`.template.json", "stackName": "prd-`+s+`"}}`)
		write(t, filepath.Join(dir, "assembly-prd", "prd"+s+".template.json"), `{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}`)
	}
	for _, a := range validationreport.Acknowledged {
		suppressed = append(suppressed, `{"ruleName": "`+a.Rule+`", "severity": "warning", "violatingConstructs": [{"constructPath": "`+
			strings.ReplaceAll(a.Construct, "*", "x")+`", "cloudFormationResource": {"propertyPaths": ["`+a.Property+`"]}}]}`)
	}
	write(t, filepath.Join(dir, "assembly-prd", "manifest.json"), `{"artifacts": {`+strings.Join(artifacts, ",")+`}}`)
	write(t, filepath.Join(dir, "manifest.json"), `{"artifacts": {"assembly-prd": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-prd"}}}}`)
	write(t, filepath.Join(dir, validationreport.ReportFile), `{"pluginReports": [{"pluginName": "CloudFormation Validate", "conclusion": "success",
	  "violations": [], "suppressedViolations": [`+strings.Join(suppressed, ",")+`]}]}`)
	if err := validationreport.Record(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDeployLeavesTheGuardrailsToAnAdministrator runs `make deploy` with a
// stand-in cdk that records what it is asked: the workflow's deploy ships
// every stack of the env but <env>-github, whose policies bound the deploy
// path itself; `make deploy-guardrails` ships only that one.
func TestDeployLeavesTheGuardrailsToAnAdministrator(t *testing.T) {
	cdk, assembly := newFakeCDK(t), validatedAssembly(t)
	calls, out, err := cdk.make(t, "deploy", assembly)
	if err != nil {
		t.Fatalf("make deploy: %v\n%s", err, out)
	}
	last := calls[len(calls)-1]
	if !strings.HasPrefix(last, "--no-notices deploy --app "+assembly+" prd/logging prd/network prd/cluster-blue ") {
		t.Errorf("make deploy ran %q, want the env's stacks without prd/github", last)
	}
	if strings.Contains(last, "prd/github") {
		t.Errorf("make deploy ships the guardrails stack: %q", last)
	}
	calls, out, err = cdk.make(t, "deploy-guardrails", assembly)
	if err != nil {
		t.Fatalf("make deploy-guardrails: %v\n%s", err, out)
	}
	if len(calls) != 1 || !strings.Contains(calls[0], "deploy --app "+assembly+" prd/github") {
		t.Errorf("make deploy-guardrails ran %q, want only prd/github", calls)
	}
}

// TestDeployShipsOnlyValidatedTemplates: `make deploy` and `make
// deploy-guardrails` ship no template that aws-cdk-lib's validation has not
// passed at synth: an assembly synthesized with FAST=1 (no report, no
// record), one whose report shows the validation did not run, and one with
// a template changed after the synth are refused before cdk is called.
func TestDeployShipsOnlyValidatedTemplates(t *testing.T) {
	cdk := newFakeCDK(t)
	for _, tc := range []struct {
		name   string
		damage func(dir string)
		want   string
	}{
		{"synthesized with FAST=1", func(dir string) {
			os.Remove(filepath.Join(dir, validationreport.ReportFile))
			os.Remove(filepath.Join(dir, validationreport.RecordFile))
		}, "is validation on?"},
		{"validation did not run", func(dir string) {
			write(t, filepath.Join(dir, validationreport.ReportFile), `{"pluginReports": []}`)
		}, "template validation did not run"},
		{"template changed after the synth", func(dir string) {
			write(t, filepath.Join(dir, "assembly-prd", "prdnetwork.template.json"), `{"Resources": {}}`)
		}, "assembly-prd/prdnetwork.template.json: changed since it was validated"},
		{"record missing", func(dir string) {
			os.Remove(filepath.Join(dir, validationreport.RecordFile))
		}, "no record of validated templates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assembly := validatedAssembly(t)
			tc.damage(assembly)
			for _, target := range []string{"deploy", "deploy-guardrails"} {
				calls, out, err := cdk.make(t, target, assembly)
				if err == nil {
					t.Errorf("make %s accepted the assembly", target)
				}
				if !strings.Contains(out, tc.want) {
					t.Errorf("make %s: output lacks %q:\n%s", target, tc.want, out)
				}
				if len(calls) > 0 {
					t.Errorf("make %s called cdk: %q", target, calls)
				}
			}
		})
	}
}
