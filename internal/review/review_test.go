package review

import (
	"bytes"
	"strings"
	"testing"
)

// TestReviewFlagsReplacementFirst is the edit the delivery issue names: a
// node group's instance types change (CloudFormation replaces the group), a
// WAF rule is removed, and a canary is added. The review lists each, the
// replacement first, and fails unless destructive changes are allowed.
func TestReviewFlagsReplacementFirst(t *testing.T) {
	report, err := Review("prd", "testdata/assembly", "testdata/golden")
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Stacks) != 1 {
		t.Fatalf("stacks = %+v", report.Stacks)
	}
	changes := report.Stacks[0].Changes
	var order []string
	for _, c := range changes {
		order = append(order, c.LogicalID+":"+c.Change+":"+c.Impact)
	}
	want := []string{"NodeGroupGeneral:changed:WILL_REPLACE", "WebAcl:changed:WILL_UPDATE", "ExternalCanary:added:WILL_CREATE"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("changes = %v, want %v", order, want)
	}
	if !report.Destructive() {
		t.Error("replacing a node group must make the review fail")
	}
	var md bytes.Buffer
	report.WriteMarkdown(&md, false)
	for _, w := range []string{
		"**Destructive changes: this review fails.**",
		"| 🛑 destructive | `NodeGroupGeneral` | AWS::EKS::Nodegroup | WILL_REPLACE | InstanceTypes (replace): [0]: m7i.2xlarge → m7i.4xlarge |",
		"| ✏️ change | `WebAcl` | AWS::WAFv2::WebACL | WILL_UPDATE | Rules (update): [AWSManagedRulesSQLiRuleSet]: {\"Name\":\"AWSManagedRulesSQLiRuleSet\"",
		"| ➕ add | `ExternalCanary` | AWS::Synthetics::Canary | WILL_CREATE |",
	} {
		if !strings.Contains(md.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, md.String())
		}
	}
	md.Reset()
	report.WriteMarkdown(&md, true)
	if !strings.Contains(md.String(), "allowed for this change") {
		t.Errorf("allowed report:\n%s", md.String())
	}
}

// TestReviewNoChange: comparing an assembly with itself reports no change.
func TestReviewNoChange(t *testing.T) {
	report, err := Review("prd", "testdata/assembly", "testdata/assembly")
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	report.WriteMarkdown(&md, false)
	if report.Destructive() || !strings.Contains(md.String(), "No changes: every stack of prd matches the baseline.") {
		t.Fatalf("report:\n%s", md.String())
	}
}

// TestReviewRemovedStack: a stack gone from the app is reported with every
// resource removed, and a retained bucket is said to be retained.
func TestReviewRemovedStack(t *testing.T) {
	report, err := Review("prd", "testdata/assembly", "testdata/golden-extra")
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	report.WriteMarkdown(&md, false)
	for _, w := range []string{"### prd-old (stack removed)", "`ArchiveBucket` | AWS::S3::Bucket | WILL_ORPHAN, retained"} {
		if !strings.Contains(md.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, md.String())
		}
	}
}

// TestLeafChanges: the review names each changed value, old and new, so
// that a weight jump or a resize is visible.
func TestLeafChanges(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new any
		want     []string
	}{
		{"scalar", float64(10), float64(100), []string{"10 → 100"}},
		{"nested", map[string]any{"ScalingConfig": map[string]any{"DesiredSize": float64(6), "MaxSize": float64(12)}},
			map[string]any{"ScalingConfig": map[string]any{"DesiredSize": float64(8), "MaxSize": float64(12)}}, []string{"ScalingConfig.DesiredSize: 6 → 8"}},
		{"added key", map[string]any{}, map[string]any{"Weight": float64(0)}, []string{"Weight: (none) → 0"}},
		{"list by position", []any{"a", "b"}, []any{"a", "c", "d"}, []string{"[1]: b → c", "[2]: (none) → d"}},
		{"list by identity", []any{map[string]any{"Key": "team", "Value": "a"}, map[string]any{"Key": "env", "Value": "prd"}},
			[]any{map[string]any{"Key": "env", "Value": "prd"}, map[string]any{"Key": "team", "Value": "b"}}, []string{"[team].Value: a → b"}},
		{"intrinsics are leaves", map[string]any{"Ref": "Old"}, map[string]any{"Fn::GetAtt": []any{"New", "Arn"}}, []string{"<Old> → <New.Arn>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range leafChanges("", tc.old, tc.new) {
				got = append(got, c.String())
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("leafChanges = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMarkdownTableAfterFlags: a table right after a list renders as raw
// text in GitHub's Markdown; a blank line must separate them.
func TestMarkdownTableAfterFlags(t *testing.T) {
	r := Report{Env: "prd", Stacks: []StackReport{{Name: "prd-x", PermissionsBroadened: true, Changes: []Change{{LogicalID: "Role", Type: "AWS::IAM::Policy", Change: "changed", Impact: "WILL_UPDATE"}}}}}
	var md bytes.Buffer
	r.WriteMarkdown(&md, false)
	if !strings.Contains(md.String(), "- ⚠️ **IAM permissions broadened**\n\n| | resource |") {
		t.Errorf("no blank line between the flags and the table:\n%s", md.String())
	}
}
