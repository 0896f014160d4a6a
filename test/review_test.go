package test

import (
	"bytes"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/internal/review"
	"github.com/ecplatform/eks-platform/stacks"
)

// TestReviewOfARealEdit makes the delivery issue's edit on prd's real config
// (a node group's instance types, a WAF rule removed by turning Bot Control
// off, a new resource: an allow-list IP set) and reviews the synthesized
// result against the committed snapshots: each change is listed, the node
// group replacement first, and the review fails as destructive.
// The app itself refuses the instance-type edit at synth (the upgrade
// guardrail); the review is the second line of defence for any assembly.
func TestReviewOfARealEdit(t *testing.T) {
	data, err := os.ReadFile("../envs/prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "instanceTypes: [m7i.2xlarge]\n        minSize: 3\n        desiredSize: 6\n        maxSize: 12\n      - pool: batch",
		"instanceTypes: [m7i.4xlarge]\n        minSize: 3\n        desiredSize: 6\n        maxSize: 12\n      - pool: batch", 1)
	edited = strings.Replace(edited, "    botControl: true\n", "    allowCidrs: [203.0.113.0/24]\n", 1)
	if edited == string(data) {
		t.Fatal("the edit did not apply")
	}
	report, text := reviewPrd(t, edited)
	if !report.Destructive() {
		t.Errorf("replacing a node group must fail the review:\n%s", text)
	}
	for _, want := range []string{
		"### prd-cluster-blue",
		"| 🛑 destructive | `ClusterNodeGroupgeneral134",
		"AWS::EKS::Nodegroup | WILL_REPLACE | InstanceTypes (replace)",
		"### prd-edge-blue",
		"AWS::WAFv2::WebACL | WILL_UPDATE | Rules (update)",
		"| ➕ add | `WafAllowList",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("review lacks %q:\n%s", want, text)
		}
	}
	// Dangerous first: in the cluster stack's table, the replacement leads.
	section := text[strings.Index(text, "### prd-cluster-blue"):]
	rows := strings.Split(section, "\n")
	if len(rows) < 5 || !strings.HasPrefix(rows[4], "| 🛑 destructive") {
		t.Errorf("first row of prd-cluster-blue is not the replacement:\n%s", section)
	}
	for _, s := range report.Stacks {
		if s.Name == "prd-network" || s.Name == "prd-logging" || s.Name == "prd-github" {
			if len(s.Changes) > 0 {
				t.Errorf("%s changed but the edit does not touch it: %+v", s.Name, s.Changes)
			}
		}
	}
}

// TestAddingAServiceOnlyAdds is the catalog's promise to a reviewer: a
// service added to prd's config (with a database, a table-less sibling
// would do the same, and a route) shows in the review as additions only.
// Nothing shared lists the services: the log shipper, the alerting
// filters and the Glue table read a line's service from its namespace,
// the route table is one ConfigMap per service, and the service lands in
// the stack its name hashes to.
func TestAddingAServiceOnlyAdds(t *testing.T) {
	data, err := os.ReadFile("../envs/prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	entry := "  - name: favourites\n    dataStore:\n      kind: aurora-postgresql\n      aurora: {minAcu: 0.5, maxAcu: 4}\n    routes:\n      - {prefix: /api/favourites, target: fallback, canaryWeight: 5}\n"
	edited := strings.Replace(string(data), "logging:\n", entry+"logging:\n", 1)
	report, text := reviewPrd(t, edited)
	added := 0
	for _, s := range report.Stacks {
		for _, c := range s.Changes {
			if c.Change != "added" {
				t.Errorf("%s %s (%s): %s %s, want only additions", s.Name, c.LogicalID, c.Type, c.Change, c.Impact)
				continue
			}
			added++
		}
	}
	if want := "### prd-" + envs.ShardName(envs.ServiceShard("favourites")); !strings.Contains(text, want) {
		t.Errorf("the review does not head the service's stack %q:\n%s", want, text)
	}
	if added < 20 {
		t.Errorf("%d additions: the service's repository, identity, database and alarms are missing:\n%s", added, text)
	}
}

// TestSwitchingOffTheOnPremHubOnlyRemoves: turning prd's inbound resolver
// off, or dropping its routed ranges, reviews as removals of exactly those
// resources from prd-network, and nothing else anywhere: no replacement,
// no other stack touched. Removing the endpoint is flagged destructive
// (on-prem may still forward to it: the pull request needs the
// allow-destructive label); removing routes is not.
func TestSwitchingOffTheOnPremHubOnlyRemoves(t *testing.T) {
	data, err := os.ReadFile("../envs/prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, cut   string
		want        map[string]int // removed resources by type
		destructive bool
	}{
		{"resolver off", "  resolver:\n    inbound: true", map[string]int{
			"AWS::Route53Resolver::ResolverEndpoint": 1, "AWS::EC2::SecurityGroup": 1,
		}, true},
		{"no routed ranges", "  routedCidrs:", map[string]int{
			"AWS::EC2::Route": 6, // one per private and isolated route table
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.SplitAfter(string(data), "\n")
			start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, strings.SplitN(tc.cut, "\n", 2)[0]) })
			if start < 0 {
				t.Fatalf("prd.yaml has no %q", tc.cut)
			}
			// The block is its first line and the more indented ones after it.
			end := start + 1
			for end < len(lines) && strings.HasPrefix(lines[end], "    ") {
				end++
			}
			edited := strings.Join(append(slices.Clone(lines[:start]), lines[end:]...), "")
			report, text := reviewPrd(t, edited)
			got := map[string]int{}
			for _, s := range report.Stacks {
				for _, c := range s.Changes {
					if s.Name != "prd-network" || c.Change != "removed" {
						t.Errorf("%s %s (%s): %s %s, want only removals from prd-network", s.Name, c.LogicalID, c.Type, c.Change, c.Impact)
						continue
					}
					got[c.Type]++
				}
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("removed %v, want %v:\n%s", got, tc.want, text)
			}
			if report.Destructive() != tc.destructive {
				t.Errorf("review destructive: %v, want %v:\n%s", report.Destructive(), tc.destructive, text)
			}
		})
	}
}

// TestSwitchingNodeSessionLogsOff is what a reviewer sees when prd turns
// node sessions off (logging.nodeSessionLogs.enabled: false): the
// preferences document, the stream, its subscription, table, query and
// key parameter leave <env>-logging, and the session log group, its key
// and the Glue table leave it retained (the sessions logged so far stay,
// in CloudWatch Logs and in the audit store); every node role loses the
// Session Manager policies in place, and no node group changes; the
// stream's alarms leave <env>-monitoring; nothing else changes. The
// review fails as destructive only because those retained resources
// leave their stack.
func TestSwitchingNodeSessionLogsOff(t *testing.T) {
	data, err := os.ReadFile("../envs/prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "  athenaBytesScannedCutoffGiB: 100\n", "  athenaBytesScannedCutoffGiB: 100\n  nodeSessionLogs: {enabled: false}\n", 1)
	if edited == string(data) {
		t.Fatal("the edit did not apply")
	}
	report, text := reviewPrd(t, edited)
	removed := map[string]int{}
	for _, s := range report.Stacks {
		for _, c := range s.Changes {
			what := s.Name + " " + c.Type
			switch {
			case s.Name == "prd-logging" && c.Change == "removed":
				removed[c.Type]++
				if assembly.StatefulTypes[c.Type] && c.DeletionPolicy != "Retain" {
					t.Errorf("%s %s leaves prd-logging deleted, not retained", c.Type, c.LogicalID)
				}
			case s.Name == "prd-cluster-blue" && c.Type == "AWS::IAM::ManagedPolicy" && c.Change == "removed":
				removed[c.Type]++
			case s.Name == "prd-cluster-blue" && c.Type == "AWS::IAM::Role" && c.Change == "changed" && c.Impact == "WILL_UPDATE":
				for _, p := range c.Properties {
					if p.Name != "ManagedPolicyArns" {
						t.Errorf("%s %s: %s changes, want only its managed policies", what, c.LogicalID, p.Name)
						continue
					}
					if gone, added := listDiff(p.Old, p.New); len(added) > 0 || len(gone) != 2 ||
						!strings.HasSuffix(gone[0], ":iam::aws:policy/"+cluster.SessionManagerPolicy) || !strings.HasPrefix(gone[1], "<ClusterNodeSessionPolicy") {
						t.Errorf("%s %s: managed policies %v removed and %v added, want only the session policies removed", what, c.LogicalID, gone, added)
					}
				}
				removed["node role"]++
			case s.Name == "prd-monitoring" && c.Type == "AWS::CloudWatch::Alarm" && c.Change == "removed":
				removed[c.Type]++
			default:
				t.Errorf("%s %s: %s %s, not part of turning node sessions off", what, c.LogicalID, c.Change, c.Impact)
			}
		}
	}
	for typ, want := range map[string]int{
		"AWS::SSM::Document": 1, "AWS::Logs::SubscriptionFilter": 1, "AWS::KinesisFirehose::DeliveryStream": 1,
		"AWS::Glue::Table": 1, "AWS::Athena::NamedQuery": 1, "AWS::SSM::Parameter": 1, "AWS::KMS::Key": 1,
		"AWS::IAM::ManagedPolicy": 1, "node role": 3, "AWS::CloudWatch::Alarm": 3,
	} {
		if removed[typ] != want {
			t.Errorf("%d %s removed or changed, want %d:\n%s", removed[typ], typ, want, text)
		}
	}
	// The session log group and the stream's delivery errors.
	if removed["AWS::Logs::LogGroup"] != 2 {
		t.Errorf("%d log groups leave prd-logging, want the session log and the stream's delivery errors", removed["AWS::Logs::LogGroup"])
	}
	for _, want := range []string{"### prd-logging", "### prd-cluster-blue", "### prd-monitoring", "retained"} {
		if !strings.Contains(text, want) {
			t.Errorf("review lacks %q:\n%s", want, text)
		}
	}
	if !report.Destructive() {
		t.Errorf("retained log groups, key and table leave their stack: the review must ask for allow-destructive:\n%s", text)
	}
}

// listDiff is what a template list lost and gained, rendered.
func listDiff(old, new any) (gone, added []string) {
	render := func(v any) []string {
		l, _ := v.([]any)
		out := make([]string, len(l))
		for i, x := range l {
			out[i] = catalogcheck.Render(x)
		}
		return out
	}
	o, n := render(old), render(new)
	for _, x := range o {
		if !slices.Contains(n, x) {
			gone = append(gone, x)
		}
	}
	for _, x := range n {
		if !slices.Contains(o, x) {
			added = append(added, x)
		}
	}
	return gone, added
}

// reviewPrd synthesizes prd from an edited copy of its config and reviews
// it against the golden templates, as make review would against what runs.
func reviewPrd(t *testing.T, config string) (review.Report, string) {
	t.Helper()
	return reviewEnv(t, "prd", config)
}

// reviewEnv is reviewPrd for any env.
func reviewEnv(t *testing.T, env, config string) (review.Report, string) {
	t.Helper()
	report, md, _ := synthAndReview(t, env, config)
	return report, md
}

// synthAndReview synthesizes env from config into a directory of its own
// and reviews it against the goldens; it returns that directory too.
func synthAndReview(t *testing.T, env, config string) (review.Report, string, string) {
	t.Helper()
	cfg, err := envs.Parse(env+".yaml", []byte(config))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &stacks.FeatureFlags, Outdir: jsii.String(out)})
	stacks.NewEnvironment(app, cfg)
	app.Synth(nil)
	report, err := review.Review(env, out, "golden")
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	report.WriteMarkdown(&md, false)
	return report, md.String(), out
}
