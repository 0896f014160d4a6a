package validationreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validatedReport is a passing report: each acknowledgement of the project
// meets one suppressed finding (so none is stale), nothing else.
func validatedReport() string {
	var suppressed []string
	for _, a := range Acknowledged {
		construct := strings.ReplaceAll(a.Construct, "*", "x")
		suppressed = append(suppressed, finding(a.Rule, construct, a.Property, "prd/network"))
	}
	return report("success", "", strings.Join(suppressed, ","))
}

// writeAssembly writes a cloud assembly as the CLI lays it out: a root
// manifest naming one nested assembly per Stage, each with its stacks.
func writeAssembly(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	base := map[string]string{
		"manifest.json": `{"artifacts": {
		  "assembly-dev": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-dev"}},
		  "assembly-prd": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-prd"}}}}`,
		"assembly-dev/manifest.json": `{"artifacts": {"devnetwork": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "devnetwork.template.json"}}}}`,
		"assembly-prd/manifest.json": `{"artifacts": {
		  "prdnetwork": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "prdnetwork.template.json"}},
		  "prdgithub": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "prdgithub.template.json"}},
		  "prd.assets": {"type": "cdk:asset-manifest", "properties": {"file": "prd.assets.json"}}}}`,
		"assembly-dev/devnetwork.template.json": `{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}}`,
		"assembly-prd/prdnetwork.template.json": `{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}}`,
		"assembly-prd/prdgithub.template.json":  `{"Resources": {"Role": {"Type": "AWS::IAM::Role"}}}`,
		ReportFile:                              validatedReport(),
	}
	for name, content := range files {
		base[name] = content
	}
	for name, content := range base {
		if content == "" {
			continue // a file the case removes
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRecordThenVerify(t *testing.T) {
	for _, tc := range []struct {
		name      string
		synth     map[string]string // the assembly as synthesized, over the base
		afterward map[string]string // files written after the record
		env       string
		want      string // a part of Verify's error; empty: it passes
	}{
		{name: "validated assembly, one env", env: "prd"},
		{name: "validated assembly, every env"},
		{name: "template edited after the record", env: "prd",
			afterward: map[string]string{"assembly-prd/prdgithub.template.json": `{"Resources": {}}`},
			want:      "assembly-prd/prdgithub.template.json: changed since it was validated"},
		{name: "stack added after the record", env: "prd",
			afterward: map[string]string{
				"assembly-prd/manifest.json": `{"artifacts": {
				  "prdnetwork": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "prdnetwork.template.json"}},
				  "prdgithub": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "prdgithub.template.json"}},
				  "prddns": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "prddns.template.json"}}}}`,
				"assembly-prd/prddns.template.json": `{"Resources": {}}`},
			want: "assembly-prd/prddns.template.json: not validated"},
		{name: "nested stack template", env: "prd",
			synth: map[string]string{"assembly-prd/prdclusterProvider.nested.template.json": `{"Resources": {}}`},
			want:  "prdclusterProvider.nested.template.json: a nested stack template"},
		{name: "environment not in the assembly", env: "stg", want: "reading the assembly for environment stg"},
		{name: "record removed", env: "prd", afterward: map[string]string{RecordFile: ""}, want: "no record of validated templates"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeAssembly(t, tc.synth)
			if err := Record(dir); err != nil {
				t.Fatalf("Record: %v", err)
			}
			for name, content := range tc.afterward {
				path := filepath.Join(dir, name)
				if content == "" {
					os.Remove(path)
				} else if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := Verify(dir, tc.env)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Verify: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Verify = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestNothingUnvalidatedIsRecorded: Record refuses an assembly whose report
// is missing (a synth with validation off writes none), shows the plugin
// did not run, or fails the audit; and Verify refuses the same assembly.
func TestNothingUnvalidatedIsRecorded(t *testing.T) {
	for _, tc := range []struct {
		name, report, want string
	}{
		{"validation off (no report)", "", "is validation on?"},
		{"plugin did not run", `{"pluginReports": []}`, "template validation did not run"},
		{"violation", report("failure", finding("E3002", "prd/network/X", "Properties.Y", ""), ""), "E3002"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeAssembly(t, map[string]string{ReportFile: tc.report})
			if err := Record(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Record = %v, want an error containing %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, RecordFile)); err == nil {
				t.Errorf("Record wrote %s for an unvalidated assembly", RecordFile)
			}
			if err := Verify(dir, "prd"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
