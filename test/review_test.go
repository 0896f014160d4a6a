package test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/envs"
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
