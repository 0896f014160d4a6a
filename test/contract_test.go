package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/internal/cfnschema"
	"github.com/ecplatform/eks-platform/internal/growth"
	"github.com/ecplatform/eks-platform/internal/k8scheck"
	"github.com/ecplatform/eks-platform/stacks"
)

// CloudFormation's limits on one stack's template.
const (
	maxStackResources  = 500
	maxStackOutputs    = 200
	maxTemplateBytes   = 1_000_000 // from S3, as the CDK CLI uploads it
	maxStackParameters = 200
	maxResourcesLeeway = 0
)

// growthCases are generated envs from the smallest up to the most envs
// accepts (its caps: 200 services, 4 clusters, 30 node groups per cluster),
// with short and with the longest names config takes.
var growthCases = []growth.Env{
	{Base: "../envs/dev.yaml", Services: 1, Clusters: 1, Groups: 1},
	{Base: "../envs/stg.yaml", Services: 34, Clusters: 2, Groups: 3},
	{Base: "../envs/prd.yaml", Services: envs.MaxServices, Clusters: envs.MaxClusters, Groups: envs.MaxNodeGroups, Long: true},
	{Base: "../envs/prd.yaml", Services: 200, Clusters: 1, Groups: 1},
	{Base: "../envs/dev.yaml", Services: 50, Clusters: 3, Groups: 2, Long: true},
}

// TestEveryAcceptedConfigBuilds is the contract between envs/ and the
// constructs: a config that envs accepts builds, as CloudFormation takes it
// (within a stack's limits), and never ends in an internal error. It runs
// over the valid corpus and generated growth cases; the shipped envs are
// built by TestMain.
func TestEveryAcceptedConfigBuilds(t *testing.T) {
	type input struct {
		name, file string
		data       []byte
	}
	var inputs []input
	valid, _ := filepath.Glob("../envs/testdata/valid/*.yaml")
	for _, f := range valid {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{"valid/" + filepath.Base(f), baseName(data), data})
	}
	for _, g := range growthCases {
		data, err := g.YAML()
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{"growth/" + g.String(), filepath.Base(g.Base), data})
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			cfg, err := envs.Parse(in.file, in.data)
			if err != nil {
				t.Fatalf("envs rejects it:\n%v", err)
			}
			out := t.TempDir()
			if err := build(cfg, out); err != nil {
				t.Fatalf("accepted by envs but does not build: %v", err)
			}
			checkStackLimits(t, out, cfg.Name)
			checkNetworkQuotas(t, templatesIn(t, out, cfg.Name))
			checkShardEstimates(t, out, cfg)
			checkSchemas(t, out, cfg.Name)
			for _, f := range k8sSchemas(t).Check(templatesIn(t, out, cfg.Name)) {
				t.Error(f)
			}
		})
	}
}

// baseName is the file name a corpus config must be loaded as: its name
// field must match it.
func baseName(data []byte) string {
	for _, line := range strings.Split(string(data), "\n") {
		if n, ok := strings.CutPrefix(line, "name: "); ok {
			return strings.TrimSpace(n) + ".yaml"
		}
	}
	return "dev.yaml"
}

// build synthesizes cfg's Stage into outdir and turns a panic (a jsii
// error or a construct's Validate) into an error, as bin/platform reports
// it: "internal error".
func build(cfg *envs.Config, outdir string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, _, _ := strings.Cut(fmt.Sprint(r), "\n    at ")
			err = fmt.Errorf("internal error: %s", msg)
		}
	}()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &stacks.FeatureFlags, Outdir: jsii.String(outdir)})
	stacks.NewEnvironment(app, cfg)
	app.Synth(nil)
	return nil
}

// checkStackLimits fails on a template CloudFormation would refuse for its
// size: resources, outputs, parameters and bytes.
func checkStackLimits(t *testing.T, outdir, env string) {
	t.Helper()
	list, err := assembly.Stacks(outdir, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		data, err := os.ReadFile(s.TemplateFile)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl struct {
			Resources, Outputs, Parameters map[string]any
		}
		if err := json.Unmarshal(data, &tmpl); err != nil {
			t.Fatal(err)
		}
		for _, l := range []struct {
			what     string
			got, max int
		}{
			{"resources", len(tmpl.Resources), maxStackResources},
			{"outputs", len(tmpl.Outputs), maxStackOutputs},
			{"parameters", len(tmpl.Parameters), maxStackParameters},
			{"template bytes", len(data), maxTemplateBytes},
		} {
			if l.got > l.max {
				t.Errorf("%s: %d %s, CloudFormation takes %d", s.Name, l.got, l.what, l.max)
			}
		}
	}
}

// AWS's default VPC quotas an accepted config must fit: rules per security
// group (each direction) and routes per route table.
const (
	maxSecurityGroupRules = 60
	maxRouteTableRoutes   = 50
)

// checkNetworkQuotas fails on a security group with more rules in one
// direction, or a route table with more routes, than AWS takes by default:
// inline rules and rule resources by group, and routes, gateway endpoint
// routes and the local route by table, across every stack of the env.
func checkNetworkQuotas(t *testing.T, tmpls map[string]map[string]any) {
	t.Helper()
	rules := map[string]int{}  // "<stack>/<group> ingress|egress" -> rules
	routes := map[string]int{} // route table -> routes
	key := func(stack string, v any) string {
		r := strings.TrimSuffix(strings.Trim(catalogcheck.Render(v), "<>"), ".GroupId")
		if strings.HasPrefix(r, "import:") {
			return r
		}
		return stack + "/" + r
	}
	for stack, tmpl := range tmpls {
		for id, p := range resourcesOf(tmpl, "AWS::EC2::SecurityGroup") {
			for dir, k := range map[string]string{"ingress": "SecurityGroupIngress", "egress": "SecurityGroupEgress"} {
				inline, _ := p[k].([]any)
				rules[stack+"/"+id+" "+dir] += len(inline)
			}
		}
		for typ, dir := range map[string]string{"AWS::EC2::SecurityGroupIngress": "ingress", "AWS::EC2::SecurityGroupEgress": "egress"} {
			for _, p := range resourcesOf(tmpl, typ) {
				rules[key(stack, p["GroupId"])+" "+dir]++
			}
		}
		for id := range resourcesOf(tmpl, "AWS::EC2::RouteTable") {
			routes[stack+"/"+id]++ // the local route
		}
		for _, p := range resourcesOf(tmpl, "AWS::EC2::Route") {
			routes[key(stack, p["RouteTableId"])]++
		}
		for _, p := range resourcesOf(tmpl, "AWS::EC2::VPCEndpoint") {
			tables, _ := p["RouteTableIds"].([]any)
			for _, rt := range tables {
				routes[key(stack, rt)]++
			}
		}
	}
	for g, n := range rules {
		if n > maxSecurityGroupRules {
			t.Errorf("security group %s: %d rules, AWS takes %d (default quota)", g, n, maxSecurityGroupRules)
		}
	}
	for rt, n := range routes {
		if n > maxRouteTableRoutes {
			t.Errorf("route table %s: %d routes, AWS takes %d (default quota)", rt, n, maxRouteTableRoutes)
		}
	}
}

// checkShardEstimates holds every services stack to the resource count
// envs estimates for it (Config.ServiceResources), which is what refuses a
// config that would overflow a stack before anything is synthesized: an
// estimate below the real count would let an overflow through.
func checkShardEstimates(t *testing.T, outdir string, cfg *envs.Config) {
	t.Helper()
	list, err := assembly.Stacks(outdir, cfg.Name)
	if err != nil {
		t.Fatal(err)
	}
	perService := map[string]int{}
	for _, a := range cfg.Monitoring.EffectiveLogAlarms(cfg.LoggingServices()) {
		perService[a.Service]++
	}
	catalog := map[string]*envs.Service{}
	for i := range cfg.Services {
		catalog[cfg.Services[i].Name] = &cfg.Services[i]
	}
	checked := 0
	for shard, services := range envs.ServicesByShard(cfg.LoggingServices()) {
		name := cfg.Name + "-" + envs.ShardName(shard)
		i := slices.IndexFunc(list, func(s assembly.Stack) bool { return s.Name == name })
		if i < 0 {
			t.Errorf("no stack %s for %v", name, services)
			continue
		}
		data, err := os.ReadFile(list[i].TemplateFile)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl struct{ Resources map[string]any }
		if err := json.Unmarshal(data, &tmpl); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, svc := range services {
			want += cfg.ServiceResources(catalog[svc], perService[svc])
		}
		if len(tmpl.Resources) != want {
			t.Errorf("%s: %d resources, envs estimates %d for %v: update Config.ServiceResources", name, len(tmpl.Resources), want, services)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no services stack checked")
	}
}

var (
	k8sOnce    sync.Once
	k8sLoaded  *k8scheck.Schemas
	k8sLoadErr error
)

// k8sSchemas are the Kubernetes schemas, loaded once for all builds.
func k8sSchemas(t *testing.T) *k8scheck.Schemas {
	t.Helper()
	k8sOnce.Do(func() { k8sLoaded, k8sLoadErr = k8scheck.LoadSchemas() })
	if k8sLoadErr != nil {
		t.Fatal(k8sLoadErr)
	}
	return k8sLoaded
}

// checkSchemas runs the CloudFormation resource schema check over every
// template of env in outdir.
func checkSchemas(t *testing.T, outdir, env string) {
	t.Helper()
	spec, err := cfnschema.Default()
	if err != nil {
		t.Fatal(err)
	}
	list, err := assembly.Stacks(outdir, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		body, err := os.ReadFile(s.TemplateFile)
		if err != nil {
			t.Fatal(err)
		}
		report, err := spec.Validate(cfnschema.Template{File: s.Name, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range report.Findings {
			t.Errorf("%s", f)
		}
	}
}
