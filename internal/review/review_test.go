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
		"| 🛑 destructive | `NodeGroupGeneral` | AWS::EKS::Nodegroup | WILL_REPLACE | InstanceTypes (replace) |",
		"| ✏️ change | `WebAcl` | AWS::WAFv2::WebACL | WILL_UPDATE | Rules (update) |",
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
