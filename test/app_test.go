// Package test holds the whole-app tests: golden snapshots of every env's
// templates, and the app's behaviour as the CDK CLI runs it.
package test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/stacks"
)

var update = flag.Bool("update", false, "rewrite the golden templates in test/golden")

// outdir is the cloud assembly of every env, synthesized once for all tests.
var outdir string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "platform-assembly-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	outdir = dir
	code := func() int {
		defer jsii.Close()
		cfgs, err := envs.LoadDir("../envs")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &stacks.FeatureFlags, Outdir: jsii.String(outdir)})
		for _, cfg := range cfgs {
			stacks.NewEnvironment(app, cfg)
		}
		app.Synth(nil)
		return m.Run()
	}()
	os.RemoveAll(outdir)
	os.Exit(code)
}

type manifest struct {
	Artifacts map[string]struct {
		Type       string          `json:"type"`
		Properties json.RawMessage `json:"properties"`
	} `json:"artifacts"`
	Missing []any `json:"missing"`
}

func readManifest(t *testing.T, env string) manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(outdir, "assembly-"+env, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEnvironmentsAreStages: one Stage per env, in that env's account and
// region, stacks named <env>-<part>, no context lookups, and termination
// protection exactly where the env asks for it.
func TestEnvironmentsAreStages(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			m := readManifest(t, cfg.Name)
			if len(m.Missing) > 0 {
				t.Errorf("manifest has missing context (a lookup that needs AWS): %v", m.Missing)
			}
			stacks := 0
			for id, a := range m.Artifacts {
				if a.Type != "aws:cloudformation:stack" {
					continue
				}
				stacks++
				var p struct {
					StackName             string `json:"stackName"`
					TerminationProtection bool   `json:"terminationProtection"`
				}
				json.Unmarshal(a.Properties, &p)
				if !strings.HasPrefix(p.StackName, cfg.Name+"-") {
					t.Errorf("%s: stack name %q does not start with %q", id, p.StackName, cfg.Name+"-")
				}
				if p.TerminationProtection != cfg.Protection.TerminationProtection {
					t.Errorf("%s: termination protection %v, config says %v", p.StackName, p.TerminationProtection, cfg.Protection.TerminationProtection)
				}
			}
			if stacks == 0 {
				t.Fatal("no stacks")
			}
			data, _ := os.ReadFile(filepath.Join(outdir, "assembly-"+cfg.Name, "manifest.json"))
			if want := fmt.Sprintf("aws://%s/%s", cfg.Account, cfg.Region); !strings.Contains(string(data), want) {
				t.Errorf("stage is not deployed to %s", want)
			}
		})
	}
}
