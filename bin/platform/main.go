// Command platform is the CDK app: it loads and validates every env file,
// then builds the Stage of each selected environment.
//
//	cdk synth                 # every environment
//	cdk synth -c env=prd      # only prd: other envs' stacks are not built
//
// Bad config exits 1 with one line per problem (file:line: field: what is
// wrong) before any construct is built.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/stacks"
)

func main() {
	os.Exit(run())
}

func run() (code int) {
	defer jsii.Close()
	// A panic here is a bug in this app (config errors never get this far);
	// print it as one readable message, not a Go or jsii stack trace.
	defer func() {
		if r := recover(); r != nil {
			msg, _, _ := strings.Cut(fmt.Sprint(r), "\n    at ")
			fmt.Fprintf(os.Stderr, "internal error while building the app (please report it): %s\n", msg)
			code = 2
		}
	}()

	// Config is loaded and validated before anything starts the CDK's Node
	// process: envs links no CDK package (envs/nojsii_test.go), and the
	// CDK packages this program imports only register their types when Go
	// initializes them; none of ours makes a CDK value at package init
	// (main_test.go runs this with no Node to start). So bad config costs
	// milliseconds of checks (make bench) and never reaches CloudFormation;
	// awscdk.NewApp below is the first call that starts Node.
	ctx := cliContext()
	cfgs, err := envs.LoadDir(contextString(ctx, "envsDir", "envs"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "invalid environment config:\n%s\n", err)
		return 1
	}
	selected, err := selectEnvs(cfgs, contextString(ctx, "env", ""))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Some edits are only wrong relative to what runs: given a baseline
	// (-c baseline=DIR: the deployed/<env> record in CI, the merge-base's
	// assembly in make review), they are refused here.
	if dir := contextString(ctx, "baseline", ""); dir != "" {
		if err := checkUpgrades(selected, dir); err != nil {
			fmt.Fprintf(os.Stderr, "unsafe change against what is deployed (%s):\n%s\n", dir, err)
			return 1
		}
	}
	app := awscdk.NewApp(&awscdk.AppProps{Context: &stacks.FeatureFlags})
	for _, cfg := range selected {
		stacks.NewEnvironment(app, cfg)
	}
	app.Synth(nil)
	return 0
}

// checkUpgrades runs the upgrade guardrails of every selected env against
// its baseline in dir.
func checkUpgrades(cfgs []*envs.Config, dir string) error {
	var all envs.ErrorList
	for _, cfg := range cfgs {
		deployed, err := assembly.Deployed(dir, cfg.Name)
		if err != nil {
			return err
		}
		all = append(all, envs.CheckUpgrade(cfg, deployed)...)
	}
	return all.Err()
}

// cliContext is the context the CDK CLI passes the app (-c key=value and
// cdk.json), read without starting the CDK.
func cliContext() map[string]any {
	ctx := map[string]any{}
	if raw := os.Getenv("CDK_CONTEXT_JSON"); raw != "" {
		_ = json.Unmarshal([]byte(raw), &ctx) // malformed context: defaults apply
	}
	return ctx
}

func contextString(ctx map[string]any, key, def string) string {
	if v, ok := ctx[key].(string); ok && v != "" {
		return v
	}
	return def
}

// selectEnvs picks the envs named in a comma-separated list; empty or "all"
// means every env.
func selectEnvs(cfgs []*envs.Config, list string) ([]*envs.Config, error) {
	if list == "" || list == "all" {
		return cfgs, nil
	}
	var names []string
	for _, c := range cfgs {
		names = append(names, c.Name)
	}
	var out []*envs.Config
	for _, want := range strings.Split(list, ",") {
		i := slices.Index(names, strings.TrimSpace(want))
		if i < 0 {
			return nil, fmt.Errorf("-c env=%s: unknown environment %q; known: %s", list, want, strings.Join(names, ", "))
		}
		out = append(out, cfgs[i])
	}
	return out, nil
}
