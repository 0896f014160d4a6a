package test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// TestEveryEnvIsObservable is the monitoring, logging and audit inventory
// each env must deploy, read from its templates: the archive, the streams
// into it, the tables and queries over it, a canary from the internet and
// one from inside the VPC, every alarm to the Slack topic, the audit trail,
// control-plane logs, flow logs and ALB access logs.
func TestEveryEnvIsObservable(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			all := func(typ string) map[string]map[string]any {
				out := map[string]map[string]any{}
				for stack, tmpl := range tmpls {
					for id, p := range resourcesOf(tmpl, typ) {
						out[stack+"/"+id] = p
					}
				}
				return out
			}
			logging, monitoring := tmpls[cfg.Name+"-logging"], tmpls[cfg.Name+"-monitoring"]

			kmsBuckets := 0
			for _, b := range resourcesOf(logging, "AWS::S3::Bucket") {
				enc := fmt.Sprint(b["BucketEncryption"])
				if strings.Contains(enc, "aws:kms") && fmt.Sprint(b["VersioningConfiguration"]) == "map[Status:Enabled]" {
					kmsBuckets++
				}
			}
			if kmsBuckets == 0 {
				t.Error("no SSE-KMS, versioned log archive")
			}
			var streams []string
			for _, s := range resourcesOf(logging, "AWS::KinesisFirehose::DeliveryStream") {
				dest := s["ExtendedS3DestinationConfiguration"].(map[string]any)
				if dest["CompressionFormat"] != "GZIP" || dest["ErrorOutputPrefix"] == nil {
					t.Errorf("stream %v: not GZIP with an error prefix", s["DeliveryStreamName"])
				}
				streams = append(streams, s["DeliveryStreamName"].(string))
			}
			slices.Sort(streams)
			wantStreams := []string{"aws-waf-logs-" + cfg.Name, cfg.Name + "-app-logs", cfg.Name + "-db-audit-logs", cfg.Name + "-node-logs"}
			wantTables := 5 // app, node, WAF and database audit logs, Falco's events
			wantQueries := []string{"errors per service and cluster", "WAF blocks by rule and client IP, last 24 hours", "node errors by node and unit, today"}
			if cfg.Logging.NodeSessionLogs.Enabled {
				wantStreams = append(wantStreams, cfg.Name+"-node-session-logs")
				wantTables++
				wantQueries = append(wantQueries, "node sessions and their commands, last 24 hours")
			}
			if !slices.Equal(streams, wantStreams) {
				t.Errorf("streams %v, want %v", streams, wantStreams)
			}
			if n := len(catalogcheck.Resources(logging["Resources"].(map[string]any)).Tables()); n != wantTables {
				t.Errorf("%d Glue tables, want %d (app, node, WAF and database audit logs, Falco's events, and node sessions when on)", n, wantTables)
			}
			workgroups := resourcesOf(logging, "AWS::Athena::WorkGroup")
			if len(workgroups) != 1 {
				t.Errorf("%d Athena workgroups, want 1", len(workgroups))
			}
			for _, wg := range workgroups {
				if wg["WorkGroupConfiguration"].(map[string]any)["EnforceWorkGroupConfiguration"] != true {
					t.Error("Athena workgroup does not enforce its configuration")
				}
			}
			// The queries a team uses on day one (the list): the
			// errors of every service in Logs Insights (app_logs must be
			// read one service at a time), the rest in Athena.
			var queries []string
			for _, q := range resourcesOf(logging, "AWS::Athena::NamedQuery") {
				queries = append(queries, q["Name"].(string))
			}
			for _, q := range resourcesOf(logging, "AWS::Logs::QueryDefinition") {
				queries = append(queries, q["Name"].(string))
			}
			for _, want := range wantQueries {
				if !slices.Contains(queries, want) {
					t.Errorf("no saved query %q; have %v", want, queries)
				}
			}

			outside, inside := 0, 0
			for _, c := range resourcesOf(monitoring, "AWS::Synthetics::Canary") {
				if c["VPCConfig"] == nil {
					outside++
				} else {
					inside++
				}
			}
			if outside == 0 || inside == 0 {
				t.Errorf("canaries outside the VPC: %d, inside: %d; want at least one of each", outside, inside)
			}

			topics := resourcesOf(monitoring, "AWS::SNS::Topic")
			slack := resourcesOf(monitoring, "AWS::Chatbot::SlackChannelConfiguration")
			if len(topics) != 1 || len(slack) != 1 {
				t.Fatalf("%d alarm topics and %d Slack channels, want one of each", len(topics), len(slack))
			}
			var topic string
			for id := range topics {
				topic = id
			}
			for _, c := range slack {
				if !strings.Contains(fmt.Sprint(c["SnsTopicArns"]), topic) || c["SlackChannelId"] != cfg.Monitoring.Slack.ChannelID {
					t.Errorf("Slack channel %v does not receive topic %s", c["SlackChannelId"], topic)
				}
			}
			albs := all("AWS::ElasticLoadBalancingV2::LoadBalancer")
			alarms := resourcesOf(monitoring, "AWS::CloudWatch::Alarm")
			for id, a := range alarms {
				if !strings.Contains(fmt.Sprint(a["AlarmActions"]), topic) || !strings.Contains(fmt.Sprint(a["OKActions"]), topic) {
					t.Errorf("alarm %s does not notify the Slack topic on alarm and recovery", id)
				}
			}
			// What the on-call relies on is watched: each canary, each ALB,
			// each cluster's health, each log stream's delivery.
			watched := map[string]bool{}
			for _, a := range alarms {
				ds, _ := a["Dimensions"].([]any)
				for _, d := range ds {
					watched[fmt.Sprintf("%v %v", a["MetricName"], catalogcheck.Render(d.(map[string]any)["Value"]))] = true
				}
			}
			var want []string
			for id, c := range resourcesOf(monitoring, "AWS::Synthetics::Canary") {
				if n := c["Name"].(string); n != cfg.Name+"-api-external" && n != cfg.Name+"-api-internal" {
					t.Errorf("canary %s checks neither API name", n)
				}
				want = append(want, "SuccessPercent <"+id+">")
			}
			for id := range albs {
				stack, logicalID, _ := strings.Cut(id, "/")
				// An ALB alarm's dimension is the load balancer's full name,
				// imported from the edge stack by export.
				for export, target := range exportsOf(tmpls[stack]) {
					if target == logicalID+".LoadBalancerFullName" {
						want = append(want, "HTTPCode_ELB_5XX_Count <import:"+export+">")
					}
				}
			}
			for _, cl := range cfg.Clusters {
				for _, m := range []string{"cluster_failed_node_count", "node_cpu_utilization", "node_memory_utilization", "scheduler_pending_pods_UNSCHEDULABLE", "apiserver_request_total_5XX", "cluster_node_count"} {
					want = append(want, m+" "+cfg.Name+"-"+cl.Name)
				}
			}
			for _, stream := range streams {
				want = append(want, "DeliveryToS3.Success "+stream)
			}
			for _, w := range want {
				if !watched[w] {
					t.Errorf("no alarm on %s", w)
				}
			}

			trails := all("AWS::CloudTrail::Trail")
			for id, tr := range trails {
				if tr["IsMultiRegionTrail"] != true || tr["EnableLogFileValidation"] != true || tr["KMSKeyId"] == nil {
					t.Errorf("trail %s: want multi-region, log file validation and KMS", id)
				}
			}
			if len(trails) != 1 {
				t.Errorf("%d trails, want 1", len(trails))
			}
			clusters := all("AWS::EKS::Cluster")
			if len(clusters) != len(cfg.Clusters) {
				t.Errorf("%d EKS clusters, config has %d", len(clusters), len(cfg.Clusters))
			}
			for id, c := range clusters {
				if n := len(c["Logging"].(map[string]any)["ClusterLogging"].(map[string]any)["EnabledTypes"].([]any)); n != 5 {
					t.Errorf("cluster %s sends %d control-plane log types, want 5", id, n)
				}
			}
			flowLogs := all("AWS::EC2::FlowLog")
			if len(flowLogs) == 0 {
				t.Error("no VPC flow logs")
			}
			for id, f := range flowLogs {
				if f["LogDestinationType"] != "s3" {
					t.Errorf("flow log %s does not land in the archive", id)
				}
			}
			for id, lb := range albs {
				if !strings.Contains(fmt.Sprint(lb["LoadBalancerAttributes"]), "map[Key:access_logs.s3.enabled Value:true]") {
					t.Errorf("ALB %s writes no access logs", id)
				}
			}
			if len(albs) != 2*len(cfg.Clusters) {
				t.Errorf("%d ALBs, want an external and an internal one per cluster", len(albs))
			}
		})
	}
}

// TestAlbAlarmsSendTheOnCallWhereConfigPutTheGateway: in every env, each
// ALB alarm that points at the API gateway names config's namespace, its
// Services and its health check path, and the 5xx alarms name a saved
// query the env's logging stack holds.
func TestAlbAlarmsSendTheOnCallWhereConfigPutTheGateway(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			g := cfg.Edge.ApiGateway
			queries := map[string]bool{}
			for _, q := range resourcesOf(tmpls[cfg.Name+"-logging"], "AWS::Logs::QueryDefinition") {
				queries[q["Name"].(string)] = true
			}
			checked := 0
			for id, a := range resourcesOf(tmpls[cfg.Name+"-monitoring"], "AWS::CloudWatch::Alarm") {
				text, _ := a["AlarmDescription"].(string)
				var want []string
				switch {
				case strings.Contains(id, "Elb5xx"):
					want = []string{"kubectl -n " + g.Namespace + " get pods"}
				case strings.Contains(id, "Target5xx"):
					want = []string{g.Namespace + "/"}
					q := regexp.MustCompile(`saved query "([^"]+)"`).FindStringSubmatch(text)
					if q == nil || !queries[q[1]] {
						t.Errorf("%s sends the on-call to a saved query %s-logging does not hold: %s", id, cfg.Name, text)
					}
				case strings.Contains(id, "Unhealthy"):
					want = []string{g.Namespace + "/", "GET " + g.HealthCheckPath}
				default:
					continue
				}
				checked++
				for _, w := range want {
					if !strings.Contains(text, w) {
						t.Errorf("%s: %q lacks %q", id, text, w)
					}
				}
				if !strings.Contains(text, g.Namespace+"/"+g.Service) && !strings.Contains(text, g.Namespace+"/"+g.CanaryService) && !strings.Contains(id, "Elb5xx") {
					t.Errorf("%s names neither of the gateway's Services %s, %s: %s", id, g.Service, g.CanaryService, text)
				}
			}
			// Per cluster: two ALBs, each one ELB alarm and two of each
			// kind per target group (stable and canary).
			if want := len(cfg.Clusters) * 2 * 5; checked != want {
				t.Errorf("%d ALB alarms checked, want %d", checked, want)
			}
		})
	}
}

// TestAlarmTextsNameSavedQueriesThatExist: every saved query an alarm's
// text sends the on-call to, in any stack of any env, is one that env
// saves (an Athena named query or a Logs Insights query definition), under
// exactly that name.
func TestAlarmTextsNameSavedQueriesThatExist(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	quoted := regexp.MustCompile(`query "([^"]+)"`)
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			saved := map[string]bool{}
			for _, tmpl := range tmpls {
				for _, typ := range []string{"AWS::Athena::NamedQuery", "AWS::Logs::QueryDefinition"} {
					for _, q := range resourcesOf(tmpl, typ) {
						saved[q["Name"].(string)] = true
					}
				}
			}
			named := 0
			for stack, tmpl := range tmpls {
				for id, a := range resourcesOf(tmpl, "AWS::CloudWatch::Alarm") {
					text, _ := a["AlarmDescription"].(string)
					for _, m := range quoted.FindAllStringSubmatch(text, -1) {
						named++
						if !saved[m[1]] {
							t.Errorf("%s %s sends the on-call to saved query %q, which %s does not save: %s", stack, id, m[1], cfg.Name, text)
						}
					}
				}
			}
			if named == 0 {
				t.Error("no alarm names a saved query: the check checked nothing")
			}
		})
	}
}
