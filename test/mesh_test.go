package test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/spec"
)

// appliedObject is one Kubernetes object a template applies, with the
// physical name of its cluster.
type appliedObject struct {
	Stack, Cluster string
	Body           map[string]any
}

func (o appliedObject) kind() string { s, _ := o.Body["kind"].(string); return s }
func (o appliedObject) meta(k string) string {
	md, _ := o.Body["metadata"].(map[string]any)
	s, _ := md[k].(string)
	return s
}
func (o appliedObject) label(k string) (string, bool) {
	md, _ := o.Body["metadata"].(map[string]any)
	labels, _ := md["labels"].(map[string]any)
	v, ok := labels[k].(string)
	return v, ok
}

// appliedObjects are the objects of every manifest of tmpls. A cluster's
// own stack names it by a Ref to the cluster; the object then gets the
// stack's cluster (<env>-cluster-<name> → <env>-<name>).
func appliedObjects(t *testing.T, tmpls map[string]map[string]any) []appliedObject {
	t.Helper()
	var out []appliedObject
	for stack, tmpl := range tmpls {
		for id, p := range resourcesOf(tmpl, "Custom::AWSCDK-EKS-KubernetesResource") {
			cl := catalogcheck.Render(p["ClusterName"])
			if strings.HasPrefix(cl, "<") {
				env, name, _ := strings.Cut(stack, "-cluster-")
				cl = env + "-" + name
			}
			var objects []map[string]any
			if err := json.Unmarshal([]byte(catalogcheck.Render(p["Manifest"])), &objects); err != nil {
				t.Fatalf("%s %s: %v", stack, id, err)
			}
			for _, o := range objects {
				out = append(out, appliedObject{Stack: stack, Cluster: cl, Body: o})
			}
		}
	}
	return out
}

// helmValues are the releases of tmpls by stack and release name.
type helmRelease struct {
	Stack, Chart, Repository, Version, Namespace string
	Values                                       map[string]any
}

func helmReleases(t *testing.T, tmpls map[string]map[string]any) map[string]helmRelease {
	t.Helper()
	out := map[string]helmRelease{}
	for stack, tmpl := range tmpls {
		for id, p := range resourcesOf(tmpl, "Custom::AWSCDK-EKS-HelmChart") {
			r := helmRelease{Stack: stack, Chart: catalogcheck.Render(p["Chart"]), Repository: catalogcheck.Render(p["Repository"]),
				Version: catalogcheck.Render(p["Version"]), Namespace: catalogcheck.Render(p["Namespace"])}
			if v, ok := p["Values"]; ok {
				if err := json.Unmarshal([]byte(catalogcheck.Render(v)), &r.Values); err != nil {
					t.Fatalf("%s %s: %v", stack, id, err)
				}
			}
			out[stack+"/"+catalogcheck.Render(p["Release"])] = r
		}
	}
	return out
}

func valueAt(values map[string]any, path string) any {
	var v any = values
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestMeshInjectsOnlyOptedInNamespaces checks every env as it deploys: a
// namespace carries istio.io/rev exactly where config meshes it (a service
// with mesh: true, on a cluster that runs Istio, or the API gateway's with
// istio.apiGateway) and with the revision config gives it; the clusters
// that run Istio have their pinned control planes, the others none.
func TestMeshInjectsOnlyOptedInNamespaces(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	meshed := 0
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			want := map[string]string{} // cluster/namespace → revision
			for _, cl := range cfg.Clusters {
				phys := cfg.Name + "-" + cl.Name
				for _, s := range cfg.Services {
					if rev := cfg.MeshRevision(s, cl.Name); rev != "" && s.RunsOn(cl.Name) && cl.State != envs.ClusterRetiring {
						want[phys+"/"+s.Namespace()] = rev
					}
				}
				if rev := cl.Istio.RevisionOf(cfg.Edge.ApiGateway.Namespace, cl.Istio != nil && cl.Istio.ApiGateway); rev != "" {
					want[phys+"/"+cfg.Edge.ApiGateway.Namespace] = rev
				}
			}
			got := map[string]string{}
			for _, o := range appliedObjects(t, tmpls) {
				if o.kind() != "Namespace" {
					continue
				}
				if rev, ok := o.label(cluster.LabelIstioRevision); ok {
					got[o.Cluster+"/"+o.meta("name")] = rev
				}
				if o.meta("name") == cfg.Edge.ApiGateway.Namespace {
					if _, ok := o.label(cluster.LabelIstioRevision); ok && want[o.Cluster+"/"+o.meta("name")] == "" {
						t.Errorf("%s: the API gateway's namespace is injected but config does not mesh it", o.Cluster)
					}
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("injection labels %v, config says %v", got, want)
			}
			meshed += len(got)
			releases := helmReleases(t, tmpls)
			for _, cl := range cfg.Clusters {
				stack := cfg.Name + "-cluster-" + cl.Name
				var revisions []string
				if cl.Istio != nil {
					revisions = cl.Istio.Revisions
				}
				var found []string
				for key, r := range releases {
					if r.Stack != stack || r.Repository != cluster.IstioChartRepository {
						continue
					}
					name := strings.TrimPrefix(key, stack+"/")
					found = append(found, name)
					if r.Namespace != spec.IstioNamespace {
						t.Errorf("%s: %s in %s, want %s", stack, name, r.Namespace, spec.IstioNamespace)
					}
					if rev, ok := strings.CutPrefix(name, "istiod-"); ok {
						rel, known := spec.LookupIstioRelease(rev)
						if !known || r.Version != rel.Version || valueAt(r.Values, "revision") != rev {
							t.Errorf("%s: %s is chart %s with revision %v, want the pinned %s", stack, name, r.Version, valueAt(r.Values, "revision"), rel.Version)
						}
					}
				}
				slices.Sort(found)
				var wantReleases []string
				if len(revisions) > 0 {
					wantReleases = []string{cluster.IstioBaseRelease, cluster.IstioCniRelease}
					for _, r := range revisions {
						wantReleases = append(wantReleases, cluster.IstiodRelease(r))
					}
					slices.Sort(wantReleases)
				}
				if !slices.Equal(found, wantReleases) {
					t.Errorf("%s: Istio releases %v, want %v", stack, found, wantReleases)
				}
			}
		})
	}
	if meshed == 0 {
		t.Error("no shipped env meshes a namespace: the check passes vacuously")
	}
}

// TestNoStrictMutualTLS: nothing the platform applies turns on STRICT
// mutual TLS (a PeerAuthentication), which would refuse the plain HTTP the
// ALBs send to the API gateway's pods and the kubelet's probes.
func TestNoStrictMutualTLS(t *testing.T) {
	for _, env := range []string{"dev", "stg", "prd"} {
		for _, o := range appliedObjects(t, envTemplates(t, env)) {
			if o.kind() == "PeerAuthentication" {
				t.Errorf("%s: %s applies PeerAuthentication %s/%s", env, o.Stack, o.meta("namespace"), o.meta("name"))
			}
		}
	}
}

// TestMeshedApiGatewayStillReceivesTraffic meshes stg green's API gateway
// namespace (istio.apiGateway) and shows what the platform controls of the
// path from the ALBs to its pods: the namespace gets the injection label,
// and the edge is exactly what it is without the mesh: target groups of
// type ip on the gateway's port with their health check, TargetGroupBindings
// to the gateway's Services on that port opening it to the ALB's security
// group, and the ALB's egress to the pods on that port. The sidecar's
// iptables rules take the pod port's traffic inside the pod, after the
// security groups have admitted it; in PERMISSIVE mode it passes plain
// HTTP to the app (docs/runbook.md).
func TestMeshedApiGatewayStillReceivesTraffic(t *testing.T) {
	data, err := os.ReadFile("../envs/stg.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `      revisions: ["1-30"]`, "      revisions: [\"1-30\"]\n      apiGateway: true", 1)
	if edited == string(data) {
		t.Fatal("the edit did not apply")
	}
	cfg, err := envs.Parse("stg.yaml", []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	_, _, out := synthAndReview(t, "stg", edited)
	meshedTmpls := templatesIn(t, out, "stg")
	gw := cfg.Edge.ApiGateway
	labelled := false
	for _, o := range appliedObjects(t, meshedTmpls) {
		if o.kind() == "Namespace" && o.meta("name") == gw.Namespace && o.Cluster == "stg-green" {
			rev, ok := o.label(cluster.LabelIstioRevision)
			labelled = ok && rev == "1-30"
		}
	}
	if !labelled {
		t.Error("the API gateway's namespace on green is not labelled istio.io/rev=1-30")
	}
	edge := meshedTmpls["stg-edge-green"]
	if !reflect.DeepEqual(edge, envTemplates(t, "stg")["stg-edge-green"]) {
		t.Error("meshing the API gateway changed its edge stack: the ALBs' path to the pods must not depend on the mesh")
	}
	bindings := 0
	for _, o := range appliedObjects(t, map[string]map[string]any{"stg-edge-green": edge}) {
		if o.kind() != "TargetGroupBinding" {
			continue
		}
		bindings++
		spec := o.Body["spec"].(map[string]any)
		ingress := spec["networking"].(map[string]any)["ingress"].([]any)[0].(map[string]any)
		port := ingress["ports"].([]any)[0].(map[string]any)
		if spec["targetType"] != "ip" || valueAt(spec, "serviceRef.port") != float64(gw.Port) || port["port"] != float64(gw.Port) || port["protocol"] != "TCP" ||
			!strings.Contains(fmt.Sprint(ingress["from"]), "SecurityGroup") {
			t.Errorf("TargetGroupBinding %s: %v, want pod IPs on port %d, opened to the ALB's security group", o.meta("name"), spec, gw.Port)
		}
	}
	if bindings != 4 {
		t.Errorf("%d TargetGroupBindings on green's edge, want 4 (stable and canary, external and internal)", bindings)
	}
	for id, tg := range resourcesOf(edge, "AWS::ElasticLoadBalancingV2::TargetGroup") {
		if tg["TargetType"] != "ip" || tg["Port"] != float64(gw.Port) || tg["Protocol"] != "HTTP" || tg["HealthCheckPath"] != gw.HealthCheckPath {
			t.Errorf("target group %s: %v, want ip targets on HTTP %d, health check %s", id, tg, gw.Port, gw.HealthCheckPath)
		}
	}
	egress := 0
	for _, r := range resourcesOf(edge, "AWS::EC2::SecurityGroupEgress") {
		if r["FromPort"] == float64(gw.Port) && r["ToPort"] == float64(gw.Port) && r["IpProtocol"] == "tcp" {
			egress++
		}
	}
	if egress < 2 {
		t.Errorf("%d ALB egress rules to the pods on %d, want one per ALB", egress, gw.Port)
	}
}

// TestDatadogApiKeyIsOnlyASecretReference checks every env as it deploys:
// where the env runs Datadog, each cluster has the pinned chart with APM
// and the env and cluster tags, the API key is nowhere (no apiKey value, no
// string of an API key's shape in any template), the Agents read it
// through a Secret holding only its handle, and the only policies that name
// the secret are the two Agent roles', each GetSecretValue on it alone.
// Where the env has no Datadog, nothing of it is installed.
func TestDatadogApiKeyIsOnlyASecretReference(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	apiKeyShape := regexp.MustCompile(`\b[0-9a-f]{32}\b`)
	with := 0
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			releases := helmReleases(t, tmpls)
			for stack, tmpl := range tmpls {
				body, _ := json.Marshal(tmpl)
				if m := apiKeyShape.FindAllString(string(body), -1); len(m) > 0 {
					t.Errorf("%s: strings of a Datadog API key's shape: %v", stack, m)
				}
			}
			for _, cl := range cfg.Clusters {
				stack := cfg.Name + "-cluster-" + cl.Name
				r, ok := releases[stack+"/"+cluster.DatadogRelease]
				if cfg.Datadog == nil {
					if ok {
						t.Errorf("%s: a Datadog release, but the env configures none", stack)
					}
					continue
				}
				with++
				if !ok {
					t.Fatalf("%s: no Datadog release", stack)
				}
				if r.Chart != "datadog" || r.Version != cluster.DatadogChartVersion || r.Repository != cluster.DatadogChartRepository {
					t.Errorf("%s: chart %s %s from %s, want the pinned datadog %s", stack, r.Chart, r.Version, r.Repository, cluster.DatadogChartVersion)
				}
				tags, _ := json.Marshal(valueAt(r.Values, "datadog.tags"))
				if want := fmt.Sprintf(`["env:%s","cluster:%s-%s"]`, cfg.Name, cfg.Name, cl.Name); string(tags) != want {
					t.Errorf("%s: tags %s, want %s", stack, tags, want)
				}
				if valueAt(r.Values, "datadog.apm.portEnabled") != true || valueAt(r.Values, "datadog.site") != cfg.Datadog.Site {
					t.Errorf("%s: APM %v, site %v", stack, valueAt(r.Values, "datadog.apm"), valueAt(r.Values, "datadog.site"))
				}
				for _, k := range []string{"datadog.apiKey", "datadog.appKey", "apiKey"} {
					if v := valueAt(r.Values, k); v != nil {
						t.Errorf("%s: values.%s is set: the key would be in the template", stack, k)
					}
				}
				if valueAt(r.Values, "datadog.secretBackend.enableGlobalPermissions") != false {
					t.Errorf("%s: the Agents may read every Kubernetes Secret of the cluster (datadog.secretBackend.enableGlobalPermissions)", stack)
				}
				if valueAt(r.Values, "datadog.apiKeyExistingSecret") != cluster.DatadogApiKeySecret {
					t.Errorf("%s: the chart does not read the key's Secret %s", stack, cluster.DatadogApiKeySecret)
				}
			}
			secrets := 0
			for _, o := range appliedObjects(t, tmpls) {
				if o.kind() != "Secret" {
					continue
				}
				secrets++
				data, _ := o.Body["stringData"].(map[string]any)
				want := cluster.DatadogApiKeyHandle(cfg.Datadog.ApiKeySecretArn, cfg.Datadog.ApiKeyField)
				if o.meta("name") != cluster.DatadogApiKeySecret || o.Body["data"] != nil || len(data) != 1 || data[cluster.DatadogApiKeySecretK] != want {
					t.Errorf("%s: Secret %s/%s holds %v, want only the handle %s", o.Stack, o.meta("namespace"), o.meta("name"), o.Body, want)
				}
			}
			if cfg.Datadog != nil && secrets != len(cfg.Clusters) {
				t.Errorf("%d API key Secrets applied, want one per cluster (%d)", secrets, len(cfg.Clusters))
			}
			if cfg.Datadog == nil {
				if secrets > 0 {
					t.Errorf("%d Secrets applied, but the env has no Datadog", secrets)
				}
				return
			}
			readers := 0
			for stack, tmpl := range tmpls {
				for id, p := range resourcesOf(tmpl, "AWS::IAM::Policy") {
					doc, _ := json.Marshal(p["PolicyDocument"])
					if !strings.Contains(string(doc), cfg.Datadog.ApiKeySecretArn) {
						continue
					}
					readers++
					var pd struct{ Statement []map[string]any }
					json.Unmarshal(doc, &pd)
					if !strings.Contains(id, "Datadog") || len(pd.Statement) != 1 || fmt.Sprint(pd.Statement[0]["Action"]) != "secretsmanager:GetSecretValue" ||
						pd.Statement[0]["Resource"] != cfg.Datadog.ApiKeySecretArn {
						t.Errorf("%s %s: %s, want a Datadog Agent role's GetSecretValue on the secret alone", stack, id, doc)
					}
				}
			}
			if want := 2 * len(cfg.Clusters); readers != want {
				t.Errorf("%d policies name the secret, want %d (node Agent and Cluster Agent per cluster)", readers, want)
			}
		})
	}
	if with == 0 {
		t.Error("no shipped env runs Datadog: the check passes vacuously")
	}
}

// TestSwitchingMeshAndDatadogOffRemovesThem is the review of turning both
// off in stg: Istio off on green (and its service's mesh: true), Datadog
// off for the env. The review lists removals of their resources only, and
// the one update that drops the members namespace's injection label.
func TestSwitchingMeshAndDatadogOffRemovesThem(t *testing.T) {
	data, err := os.ReadFile("../envs/stg.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := regexp.MustCompile(`(?m)^    istio:.*\n(      .*\n)*`).ReplaceAllString(string(data), "")
	edited = regexp.MustCompile(`(?m)^    mesh: true.*\n`).ReplaceAllString(edited, "")
	edited = regexp.MustCompile(`(?m)^datadog:.*\n(  .*\n)*`).ReplaceAllString(edited, "")
	if strings.Contains(edited, "istio") || strings.Contains(edited, "mesh:") || strings.Contains(edited, "datadog") {
		t.Fatalf("the edit left Istio or Datadog in:\n%s", edited)
	}
	report, text := reviewEnv(t, "stg", edited)
	removed := map[string][]string{} // by stack: the removed ids, less their hash
	for _, s := range report.Stacks {
		for _, c := range s.Changes {
			switch {
			case c.Change == "removed" && (strings.Contains(c.LogicalID, "Istio") || strings.Contains(c.LogicalID, "Datadog")):
				removed[s.Name] = append(removed[s.Name], c.LogicalID[:len(c.LogicalID)-8])
			case c.Change == "changed" && c.Type == "Custom::AWSCDK-EKS-KubernetesResource" && strings.Contains(c.LogicalID, "Servicemembers") && strings.Contains(c.LogicalID, "green"):
				// The members namespace on green loses its injection label.
			default:
				t.Errorf("%s %s (%s): %s %s, want only removals of Istio and Datadog", s.Name, c.LogicalID, c.Type, c.Change, c.Impact)
			}
		}
	}
	datadog := []string{
		"ClusterDatadogAgentRole", "ClusterDatadogAgentRoleAssociation", "ClusterDatadogAgentRoleDefaultPolicy",
		"ClusterDatadogApiKeyHandle", "ClusterDatadogChart", "ClusterDatadogClusterAgentRole",
		"ClusterDatadogClusterAgentRoleAssociation", "ClusterDatadogClusterAgentRoleDefaultPolicy", "ClusterDatadogNamespace",
	}
	istio := []string{"ClusterIstioBase", "ClusterIstioCni", "ClusterIstioIstiod130", "ClusterIstioNamespace"}
	for stack, want := range map[string][]string{
		"stg-cluster-blue":  datadog,
		"stg-cluster-green": append(slices.Clone(datadog), istio...),
	} {
		got := slices.Sorted(slices.Values(removed[stack]))
		if want = slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
			t.Errorf("%s removes %v, want Datadog's Agents, roles, key handle and namespace%s: %v\n%s", stack, got, map[bool]string{true: " and Istio's releases and namespace"}[len(want) > len(datadog)], want, text)
		}
	}
	// Releases, roles and a Secret hold no data: the pull request needs no
	// allow-destructive label to turn either off.
	if report.Destructive() {
		t.Errorf("the review calls turning the mesh and Datadog off destructive:\n%s", text)
	}
}
