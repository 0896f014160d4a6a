package test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/spec"
)

// chartOf is the HelmChart of chart in a cluster stack, with its values.
func chartOf(t *testing.T, tmpl map[string]any, chart string) (map[string]any, map[string]any) {
	t.Helper()
	for _, p := range resourcesOf(tmpl, "Custom::AWSCDK-EKS-HelmChart") {
		if p["Chart"] != chart {
			continue
		}
		var values map[string]any
		if err := json.Unmarshal([]byte(catalogcheck.Render(p["Values"])), &values); err != nil {
			t.Fatalf("chart %s: values: %v", chart, err)
		}
		return p, values
	}
	return nil, nil
}

func at(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	return v
}

// TestFalcoAsShipped checks, on every env as it deploys, what Falco gives
// the on-call: stg and prd run it on every cluster from pinned charts with
// the modern eBPF probe; Falcosidekick's role, the one its service account
// assumes through Pod Identity, may put events into its cluster's stream
// of the env's alerting group and nothing else; an alarm on the count of
// those events notifies the Slack channel; the falco_events table reads
// exactly the app log partition Falco's stdout lines land in; the shell
// query is saved. An env without Falco (dev) has none of it but the table.
func TestFalcoAsShipped(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, cfg := range cfgs {
		enabled[cfg.Name] = cfg.Security.Falco.Enabled
	}
	if !enabled["stg"] || !enabled["prd"] {
		t.Errorf("Falco runs in %v; stg and prd must run it", enabled)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			group := "/platform/" + cfg.Name + "/alerting"
			on := cfg.Security.Falco.Enabled
			for _, cl := range cfg.Clusters {
				stack := cfg.Name + "-cluster-" + cl.Name
				tmpl := tmpls[stack]
				props, values := chartOf(t, tmpl, "falco")
				sprops, svalues := chartOf(t, tmpl, "falcosidekick")
				if !on {
					if props != nil || sprops != nil || len(resourcesOf(tmpl, "AWS::Logs::LogStream")) > 0 {
						t.Errorf("%s: Falco is off, yet the stack has its charts or stream", stack)
					}
					continue
				}
				if props == nil || sprops == nil {
					t.Fatalf("%s: no release of falco (%v) or falcosidekick (%v)", stack, props != nil, sprops != nil)
				}
				t.Run(stack+" charts pinned, modern eBPF", func(t *testing.T) {
					for _, c := range []struct {
						props          map[string]any
						version, image string
						got            any
					}{
						{props, cluster.FalcoChartVersion, cluster.FalcoVersion, at(values, "image", "tag")},
						{sprops, cluster.FalcosidekickChartVersion, cluster.FalcosidekickVersion, at(svalues, "image", "tag")},
					} {
						if c.props["Version"] != c.version || c.props["Repository"] != cluster.FalcoChartRepository || c.props["Namespace"] != spec.FalcoNamespace {
							t.Errorf("release %v %v of %v in %v, want version %s of %s in %s", c.props["Chart"], c.props["Version"], c.props["Repository"], c.props["Namespace"], c.version, cluster.FalcoChartRepository, spec.FalcoNamespace)
						}
						if c.got != c.image {
							t.Errorf("%v runs image tag %v, want %s", c.props["Chart"], c.got, c.image)
						}
					}
					if at(values, "driver", "kind") != "modern_ebpf" {
						t.Errorf("driver.kind %v, want modern_ebpf", at(values, "driver", "kind"))
					}
					if at(values, "falco", "json_output") != true || at(values, "falco", "stdout_output", "enabled") != true {
						t.Error("Falco does not write JSON events on stdout: the archive would not have them")
					}
					cw := at(svalues, "config", "aws", "cloudwatchlogs")
					want := map[string]any{"loggroup": group, "logstream": cfg.Name + "-" + cl.Name + ".falco", "minimumpriority": string(cfg.Security.Falco.MinPriority)}
					if fmt.Sprint(cw) != fmt.Sprint(want) {
						t.Errorf("Falcosidekick's CloudWatch Logs output is %v, want %v", cw, want)
					}
				})
				t.Run(stack+" Pod Identity role writes only to the alerting group", func(t *testing.T) {
					var roleID string
					for _, a := range resourcesOf(tmpl, "AWS::EKS::PodIdentityAssociation") {
						if a["Namespace"] == spec.FalcoNamespace {
							if a["ServiceAccount"] != "falcosidekick" || roleID != "" {
								t.Fatalf("association %v: want one, for falcosidekick", a)
							}
							roleID = strings.TrimSuffix(strings.Trim(catalogcheck.Render(a["RoleArn"]), "<>"), ".Arn")
						}
					}
					role := resourcesOf(tmpl, "AWS::IAM::Role")[roleID]
					if role == nil {
						t.Fatalf("no role %q for Falcosidekick's association", roleID)
					}
					trust := fmt.Sprint(role["AssumeRolePolicyDocument"])
					for _, want := range []string{cluster.PodIdentityService, "aws:RequestTag/kubernetes-namespace:falco", "aws:RequestTag/kubernetes-service-account:falcosidekick"} {
						if !strings.Contains(trust, want) {
							t.Errorf("trust policy lacks %s: %s", want, trust)
						}
					}
					if role["ManagedPolicyArns"] != nil || role["Policies"] != nil {
						t.Errorf("the role has other policies: %v %v", role["ManagedPolicyArns"], role["Policies"])
					}
					statements := 0
					for _, p := range resourcesOf(tmpl, "AWS::IAM::Policy") {
						if !strings.Contains(fmt.Sprint(p["Roles"]), roleID) {
							continue
						}
						for _, s := range p["PolicyDocument"].(map[string]any)["Statement"].([]any) {
							s := s.(map[string]any)
							statements++
							resource := catalogcheck.Render(s["Resource"])
							if s["Effect"] != "Allow" || s["Action"] != "logs:PutLogEvents" || s["Condition"] != nil {
								t.Errorf("statement %v: want Allow logs:PutLogEvents", s)
							}
							if want := ":log-group:" + group + ":log-stream:" + cfg.Name + "-" + cl.Name + ".falco"; !strings.HasSuffix(resource, want) || strings.Contains(resource, "*") {
								t.Errorf("the role writes to %s, want only ...%s", resource, want)
							}
						}
					}
					if statements != 1 {
						t.Errorf("%d statements, want the one PutLogEvents", statements)
					}
				})
			}

			logs, monitoring := tmpls[cfg.Name+"-logging"], tmpls[cfg.Name+"-monitoring"]
			t.Run("alarm to Slack", func(t *testing.T) {
				var falco []map[string]any
				for _, a := range resourcesOf(monitoring, "AWS::CloudWatch::Alarm") {
					if a["MetricName"] == logging.FalcoEventsMetricName {
						falco = append(falco, a)
					}
				}
				filters := 0
				for _, f := range resourcesOf(logs, "AWS::Logs::MetricFilter") {
					mt := f["MetricTransformations"].([]any)[0].(map[string]any)
					if mt["MetricName"] == logging.FalcoEventsMetricName {
						filters++
						if f["LogGroupName"] == nil || !strings.Contains(fmt.Sprint(f["FilterPattern"]), "$.rule") {
							t.Errorf("Falco filter %v", f)
						}
					}
				}
				if !on {
					if len(falco)+filters > 0 {
						t.Errorf("Falco is off, yet %d alarms and %d filters count its events", len(falco), filters)
					}
					return
				}
				if len(falco) != 1 || filters != 1 {
					t.Fatalf("%d alarms and %d metric filters on Falco events, want one each", len(falco), filters)
				}
				a := falco[0]
				if a["Namespace"] != "Platform/Security" || a["Threshold"] != 0.0 || a["ComparisonOperator"] != "GreaterThanThreshold" || a["ActionsEnabled"] == false {
					t.Errorf("alarm %v: want any event in 5 minutes to notify", a)
				}
				topics := slices.Collect(maps.Keys(resourcesOf(monitoring, "AWS::SNS::Topic")))
				if len(topics) != 1 {
					t.Fatalf("topics %v in %s-monitoring, want the alarm channel's alone", topics, cfg.Name)
				}
				topic := topics[0]
				slack := resourcesOf(monitoring, "AWS::Chatbot::SlackChannelConfiguration")
				for _, c := range slack {
					if !strings.Contains(fmt.Sprint(c["SnsTopicArns"]), topic) || c["SlackChannelId"] != cfg.Monitoring.Slack.ChannelID {
						t.Errorf("the Slack channel does not receive topic %s", topic)
					}
				}
				if len(slack) != 1 || !strings.Contains(fmt.Sprint(a["AlarmActions"]), topic) || !strings.Contains(fmt.Sprint(a["OKActions"]), topic) {
					t.Errorf("the Falco alarm does not notify the Slack topic %s: %v", topic, a["AlarmActions"])
				}
			})

			t.Run("falco_events reads the partition Falco's lines land in", func(t *testing.T) {
				resources := catalogcheck.Resources(logs["Resources"].(map[string]any))
				table := resources.Tables()[logging.FalcoEventsTable]
				stream := resources.Streams()[cfg.Name+"-app-logs"]
				if table == nil || stream == nil {
					t.Fatalf("table %s or stream %s-app-logs missing", logging.FalcoEventsTable, cfg.Name)
				}
				// The app log stream files a line under its pod's namespace
				// (TestLogPipelineContracts): Falco's are under service=falco.
				prefix := stream["Prefix"].(string)
				root := prefix[:strings.Index(prefix, "service=")]
				bucket := strings.TrimSuffix(strings.Trim(catalogcheck.Render(stream["BucketARN"]), "<>"), ".Arn")
				want := "s3://<" + bucket + ">/" + root + "service=" + spec.FalcoNamespace + "/"
				if got := catalogcheck.Render(table["StorageDescriptor"].(map[string]any)["Location"]); got != want {
					t.Errorf("falco_events reads %s, Falco's lines land in %s", got, want)
				}
				if got := catalogcheck.Render(table["Parameters"].(map[string]any)["storage.location.template"]); got != want+"dt=${dt}/" {
					t.Errorf("falco_events projects %s, want %sdt=${dt}/", got, want)
				}
				for _, p := range catalogcheck.TableReadsStream(table, stream) {
					t.Error(p)
				}
				var columns []string
				for _, c := range table["StorageDescriptor"].(map[string]any)["Columns"].([]any) {
					columns = append(columns, c.(map[string]any)["Name"].(string))
				}
				for _, c := range []string{"time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname"} {
					if !slices.Contains(columns, c) {
						t.Errorf("falco_events has no column %s of Falco's JSON event (columns %v)", c, columns)
					}
				}
			})

			t.Run("the shell query is saved", func(t *testing.T) {
				found := 0
				for _, q := range resourcesOf(logs, "AWS::Athena::NamedQuery") {
					if q["Name"] == logging.FalcoShellsQueryName {
						found++
						if !strings.Contains(q["QueryString"].(string), `FROM "`+cfg.Name+`_logs"."falco_events"`) {
							t.Errorf("the query does not read falco_events: %s", q["QueryString"])
						}
					}
				}
				if found != 1 {
					t.Errorf("%d saved queries %q, want 1", found, logging.FalcoShellsQueryName)
				}
			})
		})
	}
}

// TestSwitchingFalcoOffRemovesItCleanly: prd with security.falco.enabled
// set to false reviews as removals only, of Falco's own resources (its
// charts, namespace, role, association, alert stream, metric filter,
// query and alarm), none destructive; the archive's table and saved query
// stay, with the events already archived.
func TestSwitchingFalcoOffRemovesItCleanly(t *testing.T) {
	data, err := os.ReadFile("../envs/prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "    enabled: true ", "    enabled: false", 1)
	if edited == string(data) {
		t.Fatal("the edit did not apply")
	}
	report, text := reviewPrd(t, edited)
	if report.Destructive() {
		t.Errorf("turning Falco off is destructive:\n%s", text)
	}
	removed := map[string]int{}
	for _, s := range report.Stacks {
		for _, c := range s.Changes {
			if c.Change != "removed" {
				t.Errorf("%s %s (%s): %s %s, want only removals", s.Name, c.LogicalID, c.Type, c.Change, c.Impact)
				continue
			}
			if s.Name != "prd-cluster-blue" && s.Name != "prd-logging" && s.Name != "prd-monitoring" {
				t.Errorf("%s %s (%s) removed: Falco has nothing there", s.Name, c.LogicalID, c.Type)
			}
			if !strings.Contains(c.LogicalID, "Falco") {
				t.Errorf("%s %s (%s) removed: not one of Falco's resources", s.Name, c.LogicalID, c.Type)
			}
			if c.Type == "AWS::Glue::Table" || c.Type == "AWS::Athena::NamedQuery" {
				t.Errorf("%s %s removed: the archive's table and query stay", c.LogicalID, c.Type)
			}
			removed[c.Type]++
		}
	}
	for typ, n := range map[string]int{
		"Custom::AWSCDK-EKS-HelmChart": 2, "Custom::AWSCDK-EKS-KubernetesResource": 1, "AWS::IAM::Role": 1, "AWS::IAM::Policy": 1,
		"AWS::EKS::PodIdentityAssociation": 1, "AWS::Logs::LogStream": 1, "AWS::Logs::MetricFilter": 1, "AWS::Logs::QueryDefinition": 1,
		"AWS::CloudWatch::Alarm": 1,
	} {
		if removed[typ] != n {
			t.Errorf("%d %s removed, want %d:\n%s", removed[typ], typ, n, text)
		}
	}
}
