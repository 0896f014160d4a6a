package controltower

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuardFindsWhatAHookWouldRefuse runs the real cfn-guard and rules on
// a template with a known defect, so that a green whole-app run cannot
// come from a harness that checks nothing.
func TestGuardFindsWhatAHookWouldRefuse(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Rules) < 200 {
		t.Fatalf("%d rules loaded, the package ships over 200", len(g.Rules))
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "t.template.json")
	os.WriteFile(file, []byte(`{"Resources": {
		"Open": {"Type": "AWS::S3::Bucket", "Properties": {}},
		"Locked": {"Type": "AWS::S3::Bucket", "Properties": {"ObjectLockEnabled": true}}
	}}`), 0o644)
	findings, err := g.Check([]Template{{Env: "prd", Stack: "prd-x", File: file, ConstructPaths: map[string]string{"Open": "x/Open/Resource"}}})
	if err != nil {
		t.Fatal(err)
	}
	lock := map[string]bool{}
	for _, f := range findings {
		if f.Rule.Control == "CT.S3.PR.9" {
			lock[f.LogicalID] = true
			if f.LogicalID == "Open" && f.Path != "x/Open/Resource" {
				t.Errorf("finding on Open has path %q", f.Path)
			}
		}
	}
	if !lock["Open"] || lock["Locked"] {
		t.Errorf("CT.S3.PR.9 refused %v, want the unlocked bucket only", lock)
	}
}

func TestExceptions(t *testing.T) {
	for _, tc := range []struct{ name, line, want string }{
		{"no reason", "* CT.S3.PR.9 logging/Bucket", "want <envs> <control> <resource> <reason>"},
		{"not a control", "* S3.PR.9 logging/Bucket because", `"S3.PR.9" is not a control id`},
		{"bad pattern", "* CT.S3.PR.9 logging/[ because", "resource pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseExceptions([]byte(tc.line)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseExceptions(%q) = %v, want %q", tc.line, err, tc.want)
			}
		})
	}
	exceptions, err := ParseExceptions([]byte("# comment\n\ndev,stg CT.S3.PR.9 logging/*/Resource short-lived data\n* CT.S3.PR.4 logging/Bucket/Resource no consumer\n"))
	if err != nil || len(exceptions) != 2 {
		t.Fatalf("ParseExceptions = %v, %v", exceptions, err)
	}
	f := func(env, control, path string) Finding {
		return Finding{Env: env, Path: path, Rule: Rule{Control: control}}
	}
	refused, unused := Triage([]Finding{
		f("dev", "CT.S3.PR.9", "logging/Audit/Resource"),  // accepted in dev
		f("prd", "CT.S3.PR.9", "logging/Audit/Resource"),  // not in prd
		f("dev", "CT.S3.PR.9", "logging/a/b/Resource"),    // * stays in one step
		f("prd", "CT.S3.PR.2", "logging/Bucket/Resource"), // another control
	}, exceptions)
	if len(refused) != 3 || refused[0].Env != "prd" || refused[1].Path != "logging/a/b/Resource" || refused[2].Rule.Control != "CT.S3.PR.2" {
		t.Errorf("refused %+v", refused)
	}
	if len(unused) != 1 || unused[0].Control != "CT.S3.PR.4" {
		t.Errorf("unused %+v, want the CT.S3.PR.4 line", unused)
	}
	if _, err := ParseExceptions(ExceptionsFile); err != nil {
		t.Errorf("the project's exceptions file: %v", err)
	}
}
