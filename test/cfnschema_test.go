package test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/cfnschema"
)

// TestTemplatesMatchCloudFormationSchemas: every template of every env is
// one CloudFormation's resource schemas accept, so that a first deploy does
// not fail where synth passed. aws-cdk-lib's own validator acknowledges
// some of its findings itself (cdk.out/validation-report.json); this test
// acknowledges none but the package's AllowList, and fails on any entry of
// that list no finding needs any more.
func TestTemplatesMatchCloudFormationSchemas(t *testing.T) {
	spec, err := cfnschema.Default()
	if err != nil {
		t.Fatal(err)
	}
	envNames, err := assembly.Envs(outdir)
	if err != nil || len(envNames) == 0 {
		t.Fatalf("no environments synthesized: %v", err)
	}
	used := map[cfnschema.Allowance]bool{}
	checked := 0
	for _, env := range envNames {
		stacks, err := assembly.Stacks(outdir, env)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stacks {
			t.Run(s.Name, func(t *testing.T) {
				body, err := os.ReadFile(s.TemplateFile)
				if err != nil {
					t.Fatal(err)
				}
				paths, err := s.ConstructPaths()
				if err != nil {
					t.Fatal(err)
				}
				file, _ := filepath.Rel(outdir, s.TemplateFile)
				report, err := spec.Validate(cfnschema.Template{File: file, Body: body, ConstructPaths: paths})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range report.Findings {
					t.Errorf("%s", f)
				}
				for _, a := range report.Allowed {
					used[a.Entry] = true
				}
				checked++
			})
		}
	}
	if checked == 0 {
		t.Fatal("no template checked")
	}
	for _, a := range cfnschema.AllowList {
		if !used[a] {
			t.Errorf("cfnschema.AllowList entry %s %s matches no finding of any env's templates: remove it", a.ResourceType, a.Path)
		}
	}
}
