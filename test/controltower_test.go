package test

import (
	"testing"

	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/controltower"
)

// TestControlTowerProactiveControls runs AWS Control Tower's proactive
// controls (cfn-guard, from package-lock) over every template of every env,
// as their CloudFormation hooks would refuse a deploy: a finding must be
// fixed or listed, with its reason, in internal/controltower/exceptions.txt,
// and a listed exception must still be needed.
func TestControlTowerProactiveControls(t *testing.T) {
	guard, err := controltower.Default()
	if err != nil {
		t.Fatal(err)
	}
	exceptions, err := controltower.ParseExceptions(controltower.ExceptionsFile)
	if err != nil {
		t.Fatal(err)
	}
	envNames, err := assembly.Envs(outdir)
	if err != nil || len(envNames) == 0 {
		t.Fatalf("no environments synthesized: %v", err)
	}
	var templates []controltower.Template
	for _, env := range envNames {
		stacks, err := assembly.Stacks(outdir, env)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stacks {
			paths, err := s.ConstructPaths()
			if err != nil {
				t.Fatal(err)
			}
			rel := map[string]string{}
			for id, p := range paths {
				rel[id] = trimEnv(p, env)
			}
			templates = append(templates, controltower.Template{Env: env, Stack: s.Name, File: s.TemplateFile, ConstructPaths: rel})
		}
	}
	findings, err := guard.Check(templates)
	if err != nil {
		t.Fatal(err)
	}
	refused, unused := controltower.Triage(findings, exceptions)
	for _, f := range refused {
		t.Errorf("refused at deploy: %s", f)
	}
	for _, e := range unused {
		t.Errorf("internal/controltower/exceptions.txt:%d: %s %s accepts no finding: remove the line", e.Line, e.Control, e.Resource)
	}
	t.Logf("%d findings over %d templates, %d accepted by %d exceptions", len(findings), len(templates), len(findings)-len(refused), len(exceptions))
}

// trimEnv is a construct path without its env's Stage: prd/logging/... is
// logging/....
func trimEnv(path, env string) string {
	if len(path) > len(env) && path[:len(env)+1] == env+"/" {
		return path[len(env)+1:]
	}
	return path
}
