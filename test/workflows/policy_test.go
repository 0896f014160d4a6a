package workflows

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("../../.github/workflows/*.yml")
	if len(files) == 0 {
		t.Fatal("no workflows found")
	}
	return files
}

// TestActionlint lints every workflow with actionlint (as a library, the
// version pinned in go.mod).
func TestActionlint(t *testing.T) {
	linter, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.LintFiles(workflowFiles(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", filepath.Base(e.Filepath), e.Line, e.Column, e.Message, e.Kind)
	}
	// And actionlint does catch a broken workflow (an undefined job in needs).
	bad := "on: push\njobs:\n  a:\n    needs: missing\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n"
	found, err := linter.Lint("bad.yml", []byte(bad), nil)
	if err != nil || len(found) == 0 {
		t.Fatalf("actionlint accepted a job needing an undefined job: %v", err)
	}
}

// TestWorkflowPolicy applies the pinning and credentials policy to the
// shipped workflows.
func TestWorkflowPolicy(t *testing.T) {
	for _, f := range workflowFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range Check(string(data)) {
			t.Errorf("%s: %s", filepath.Base(f), v)
		}
	}
}

// TestPolicyCatchesViolations proves the policy check fails on what it
// guards against.
func TestPolicyCatchesViolations(t *testing.T) {
	for _, tc := range []struct {
		name, line, want string
	}{
		{"tag", "      - uses: actions/checkout@v4", `action "actions/checkout@v4" is not pinned`},
		{"branch", "      - uses: aws-actions/configure-aws-credentials@main", "is not pinned"},
		{"short sha", "      - uses: actions/checkout@11bd719", "is not pinned"},
		{"no ref", "    uses: octo/action", "is not pinned"},
		{"access key input", "          aws-access-key-id: ${{ secrets.KEY }}", "static AWS credentials"},
		{"secret key input", "          aws-secret-access-key: ${{ secrets.SECRET }}", "static AWS credentials"},
		{"env var", "        AWS_SECRET_ACCESS_KEY: ${{ secrets.S }}", "static AWS credentials"},
		{"literal key id", "        run: echo AKIAIOSFODNN7EXAMPLE", "static AWS credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.line)
			if len(got) == 0 || !strings.Contains(got[0].Msg, tc.want) {
				t.Fatalf("Check(%q) = %v, want %q", tc.line, got, tc.want)
			}
		})
	}
	for _, ok := range []string{
		"      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
		"    uses: ./.github/workflows/deploy-env.yml",
		"          role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}",
	} {
		if v := Check(ok); len(v) > 0 {
			t.Errorf("Check(%q) = %v, want none", ok, v)
		}
	}
}

// TestDeployJobs: every deploy runs in its GitHub environment, never
// overlaps another deploy of the same env, and is the only job allowed an
// OIDC token.
func TestDeployJobs(t *testing.T) {
	data, err := os.ReadFile("../../.github/workflows/deploy-env.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"environment: ${{ inputs.environment }}",
		"group: deploy-${{ inputs.environment }}",
		"cancel-in-progress: false",
		"id-token: write",
		"role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("deploy-env.yml lacks %q", want)
		}
	}
	pr, _ := os.ReadFile("../../.github/workflows/pull-request.yml")
	if strings.Contains(string(pr), "id-token") {
		t.Error("pull requests must not get an OIDC token: they run unreviewed code")
	}
	deploy, _ := os.ReadFile("../../.github/workflows/deploy.yml")
	for _, order := range []string{"deploy-stg:\n    needs: deploy-dev", "deploy-prd:\n    needs: deploy-stg"} {
		if !strings.Contains(string(deploy), order) {
			t.Errorf("deploy.yml lacks the order %q", order)
		}
	}
}
