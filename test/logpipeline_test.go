package test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// envTemplates are an env's synthesized templates by stack name.
func envTemplates(t *testing.T, env string) map[string]map[string]any {
	t.Helper()
	return templatesIn(t, outdir, env)
}

// templatesIn are env's templates in the cloud assembly at dir, by stack name.
func templatesIn(t *testing.T, dir, env string) map[string]map[string]any {
	t.Helper()
	stacks, err := assembly.Stacks(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, s := range stacks {
		data, err := os.ReadFile(s.TemplateFile)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl map[string]any
		if err := json.Unmarshal(data, &tmpl); err != nil {
			t.Fatal(err)
		}
		out[s.Name] = tmpl
	}
	return out
}

func resourcesOf(tmpl map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	rs, _ := tmpl["Resources"].(map[string]any)
	for id, r := range rs {
		if r.(map[string]any)["Type"] == typ {
			p, _ := r.(map[string]any)["Properties"].(map[string]any)
			out[id] = p
		}
	}
	return out
}

// exportsOf maps a stack's export names to the logical id its value reads.
func exportsOf(tmpl map[string]any) map[string]string {
	out := map[string]string{}
	outputs, _ := tmpl["Outputs"].(map[string]any)
	for _, o := range outputs {
		o := o.(map[string]any)
		name, _ := o["Export"].(map[string]any)["Name"].(string)
		out[name] = strings.Trim(catalogcheck.Render(o["Value"]), "<>")
	}
	return out
}

// TestLogPipelineContracts checks, on every env as it deploys, what no
// single stack can: what each cluster's Fluent Bit writes to exists in the
// env's logging stack and the shipper may write there; each Glue table reads
// what its stream writes; and every log alarm watches a metric that a
// metric filter publishes, for a cluster and a service the env has.
// namesService matches a filter pattern that compares a line's service
// field with a value.
var namesService = regexp.MustCompile(`\$\.` + logging.FieldService + `\s*!?=`)

func TestLogPipelineContracts(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	setting := regexp.MustCompile(`(?m)^\s*(delivery_stream|log_group_name)\s+(\S+)$`)
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			loggingTmpl := tmpls[cfg.Name+"-logging"]
			if loggingTmpl == nil {
				t.Fatal("no logging stack")
			}
			resources := catalogcheck.Resources(loggingTmpl["Resources"].(map[string]any))
			streams := resources.Streams()
			streamIDs := map[string]string{}
			for id, p := range resourcesOf(loggingTmpl, "AWS::KinesisFirehose::DeliveryStream") {
				streamIDs[id] = p["DeliveryStreamName"].(string)
			}
			groups := map[string]bool{}
			for _, p := range resourcesOf(loggingTmpl, "AWS::Logs::LogGroup") {
				if n, ok := p["LogGroupName"].(string); ok {
					groups[n] = true
				}
			}
			// metric filters publish namespace/name with these dimension keys
			published := map[string][]string{}
			for id, p := range resourcesOf(loggingTmpl, "AWS::Logs::MetricFilter") {
				// The Service dimension comes from each line: a filter that
				// named services would change with every new one. (Falco's
				// filter reads the field only to tell its events, which
				// have none, from shipped lines.)
				if pattern, _ := p["FilterPattern"].(string); namesService.MatchString(pattern) {
					t.Errorf("metric filter %s names services: %s", id, pattern)
				}
				mt := p["MetricTransformations"].([]any)[0].(map[string]any)
				var dims []string
				ds, _ := mt["Dimensions"].([]any)
				for _, d := range ds {
					dims = append(dims, d.(map[string]any)["Key"].(string))
				}
				slices.Sort(dims)
				published[mt["MetricNamespace"].(string)+"/"+mt["MetricName"].(string)] = dims
			}
			exports := exportsOf(loggingTmpl)

			t.Run("tables read their streams", func(t *testing.T) {
				tables := resources.Tables()
				if len(tables) < 3 {
					t.Fatalf("%d Glue tables, want app, node and WAF logs", len(tables))
				}
				for name, table := range tables {
					loc := catalogcheck.Render(table["Parameters"].(map[string]any)["storage.location.template"])
					var stream map[string]any
					for _, s := range streams {
						root := s["Prefix"].(string)
						root = root[:strings.Index(root, "=")]
						if strings.Contains(loc, ">/"+root[:strings.LastIndex(root, "/")+1]) {
							stream = s
						}
					}
					if stream == nil {
						t.Errorf("table %s reads %s, which no stream writes", name, loc)
						continue
					}
					for _, p := range catalogcheck.TableReadsStream(table, stream) {
						t.Errorf("table %s: %s", name, p)
					}
				}
			})

			var clusterNames []string
			for _, cl := range cfg.Clusters {
				stack := cfg.Name + "-cluster-" + cl.Name
				tmpl := tmpls[stack]
				for _, p := range resourcesOf(tmpl, "AWS::EKS::Cluster") {
					clusterNames = append(clusterNames, p["Name"].(string))
				}
				t.Run(stack+" ships where logging receives", func(t *testing.T) {
					var values string
					for _, p := range resourcesOf(tmpl, "AWS::EKS::Addon") {
						if p["AddonName"] == "amazon-cloudwatch-observability" {
							values = p["ConfigurationValues"].(string)
						}
					}
					if values == "" {
						t.Fatal("no log shipper add-on")
					}
					var cv struct {
						ContainerLogs struct {
							FluentBit struct {
								Config struct{ ExtraFiles map[string]string }
							}
						}
					}
					if err := json.Unmarshal([]byte(values), &cv); err != nil {
						t.Fatal(err)
					}
					used := map[string]bool{}
					for file, text := range cv.ContainerLogs.FluentBit.Config.ExtraFiles {
						for _, m := range setting.FindAllStringSubmatch(text, -1) {
							switch m[1] {
							case "delivery_stream":
								used[m[2]] = true
								if streams[m[2]] == nil {
									t.Errorf("%s ships to stream %s, which %s-logging does not have", file, m[2], cfg.Name)
								}
							case "log_group_name":
								if !groups[m[2]] {
									t.Errorf("%s ships to log group %s, which %s-logging does not create", file, m[2], cfg.Name)
								}
							}
						}
					}
					// Fluent Bit files a line under its pod's namespace, and
					// Athena projects the service partition as injected: any
					// namespace is read, no list of services to drift apart.
					app := cv.ContainerLogs.FluentBit.Config.ExtraFiles["application-log.conf"]
					lift := regexp.MustCompile(`(?m)^\s*Nested_under\s+kubernetes\n\s*Add_prefix\s+(\S+)$`).FindStringSubmatch(app)
					if lift == nil || !regexp.MustCompile(`(?m)^\s*Hard_copy\s+`+regexp.QuoteMeta(lift[1])+`namespace_name\s+service$`).MatchString(app) {
						t.Error("application-log.conf does not file a line under its pod's namespace")
					}
					params := resources.Tables()["app_logs"]["Parameters"].(map[string]any)
					if params["projection.service.type"] != "injected" || params["projection.service.values"] != nil {
						t.Errorf("app_logs projects service as %v %v, want injected: Fluent Bit writes any namespace", params["projection.service.type"], params["projection.service.values"])
					}
					// The shipper's role may put records on exactly those streams.
					granted := map[string]bool{}
					for _, p := range resourcesOf(tmpl, "AWS::IAM::Policy") {
						for _, st := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
							st := st.(map[string]any)
							if st["Sid"] != "ShipToArchive" {
								continue
							}
							resources, ok := st["Resource"].([]any)
							if !ok {
								resources = []any{st["Resource"]}
							}
							for _, r := range resources {
								imp, _ := r.(map[string]any)["Fn::ImportValue"].(string)
								id := strings.TrimSuffix(exports[imp], ".Arn")
								granted[streamIDs[id]] = true
							}
						}
					}
					for s := range used {
						if !granted[s] {
							t.Errorf("Fluent Bit writes to %s but its role may not (granted %v)", s, granted)
						}
					}
					if len(granted) != len(used) {
						t.Errorf("the role may write to %v, Fluent Bit uses %v", granted, used)
					}
				})
			}

			t.Run("log alarms watch published metrics", func(t *testing.T) {
				alarms, falcoAlarms := 0, 0
				all := map[string]map[string]any{}
				for name, tmpl := range tmpls {
					if name == cfg.Name+"-monitoring" || strings.HasPrefix(name, cfg.Name+"-services-") {
						for id, p := range resourcesOf(tmpl, "AWS::CloudWatch::Alarm") {
							all[name+" "+id] = p
						}
					}
				}
				for id, p := range all {
					ns, _ := p["Namespace"].(string)
					dims := map[string]string{}
					ds, _ := p["Dimensions"].([]any)
					for _, d := range ds {
						d := d.(map[string]any)
						dims[d["Name"].(string)] = catalogcheck.Render(d["Value"])
					}
					if v, ok := dims["ClusterName"]; ok && !slices.Contains(clusterNames, v) {
						t.Errorf("%s watches cluster %s; the env's clusters are %v", id, v, clusterNames)
					}
					keys, ok := published[ns+"/"+p["MetricName"].(string)]
					if !ok {
						continue
					}
					// Falco's alarm watches the env's one count of events.
					if p["MetricName"] == logging.FalcoEventsMetricName {
						falcoAlarms++
						if len(keys) != 0 || len(dims) != 0 {
							t.Errorf("%s has dimensions %v, the Falco filter publishes %v; want none", id, dims, keys)
						}
						continue
					}
					alarms++
					var have []string
					for k := range dims {
						have = append(have, k)
					}
					slices.Sort(have)
					if !slices.Equal(have, keys) {
						t.Errorf("%s has dimensions %v, its metric filter publishes %v", id, have, keys)
					}
					if !slices.Contains(clusterNames, dims["Cluster"]) || !slices.Contains(cfg.LoggingServices(), dims["Service"]) {
						t.Errorf("%s watches cluster %q service %q, not one of %v / %v", id, dims["Cluster"], dims["Service"], clusterNames, cfg.LoggingServices())
					}
				}
				if want := len(cfg.Clusters) * len(cfg.Monitoring.EffectiveLogAlarms(cfg.LoggingServices())); alarms != want {
					t.Errorf("%d log alarms, want %d (one per cluster and configured alarm)", alarms, want)
				}
				if want := map[bool]int{true: 1}[cfg.Security.Falco.Enabled]; falcoAlarms != want {
					t.Errorf("%d alarms on Falco events, want %d (security.falco.enabled %v)", falcoAlarms, want, cfg.Security.Falco.Enabled)
				}
			})
		})
	}
}
