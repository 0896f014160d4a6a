package retire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestExecute deletes the stacks in the plan's order, each only after its
// termination protection is off, as the CDK deploy role handing
// CloudFormation its execution role, and stops at the first failure.
func TestExecute(t *testing.T) {
	target := Target{Account: "430987654321", Region: "ap-northeast-1", Qualifier: "hnb659fds"}
	var calls []string
	run := func(name string, args ...string) (string, error) {
		calls = append(calls, name+" "+strings.Join(args, " "))
		if len(args) > 1 && args[1] == "assume-role" {
			return "AKIA SECRET TOKEN\n", nil
		}
		return "", nil
	}
	p := Plan{Env: "prd", Delete: []string{"prd-edge-blue", "prd-cluster-blue"}}
	var log bytes.Buffer
	if err := p.Execute(target, run, &log); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"aws sts assume-role --role-arn arn:aws:iam::430987654321:role/cdk-hnb659fds-deploy-role-430987654321-ap-northeast-1 --role-session-name retire-prd --query Credentials.[AccessKeyId,SecretAccessKey,SessionToken] --output text",
		"env AWS_ACCESS_KEY_ID=AKIA AWS_SECRET_ACCESS_KEY=SECRET AWS_SESSION_TOKEN=TOKEN aws --region ap-northeast-1 cloudformation update-termination-protection --no-enable-termination-protection --stack-name prd-edge-blue",
		"env AWS_ACCESS_KEY_ID=AKIA AWS_SECRET_ACCESS_KEY=SECRET AWS_SESSION_TOKEN=TOKEN aws --region ap-northeast-1 cloudformation delete-stack --stack-name prd-edge-blue --role-arn arn:aws:iam::430987654321:role/cdk-hnb659fds-cfn-exec-role-430987654321-ap-northeast-1",
		"env AWS_ACCESS_KEY_ID=AKIA AWS_SECRET_ACCESS_KEY=SECRET AWS_SESSION_TOKEN=TOKEN aws --region ap-northeast-1 cloudformation wait stack-delete-complete --stack-name prd-edge-blue",
		"env AWS_ACCESS_KEY_ID=AKIA AWS_SECRET_ACCESS_KEY=SECRET AWS_SESSION_TOKEN=TOKEN aws --region ap-northeast-1 cloudformation update-termination-protection --no-enable-termination-protection --stack-name prd-cluster-blue",
	}
	for i, w := range want {
		if i >= len(calls) || calls[i] != w {
			t.Fatalf("call %d = %q, want %q", i, calls[i:], w)
		}
	}
	calls = nil
	failing := func(name string, args ...string) (string, error) {
		calls = append(calls, strings.Join(args, " "))
		if strings.Contains(strings.Join(args, " "), "delete-stack --stack-name prd-edge-blue") {
			return "", errors.New("exit status 254")
		}
		return run(name, args...)
	}
	if err := p.Execute(target, failing, &log); err == nil || !strings.Contains(err.Error(), "prd-edge-blue: delete") {
		t.Fatalf("Execute = %v, want the edge's deletion to fail", err)
	}
	for _, c := range calls {
		if strings.Contains(c, "prd-cluster-blue") {
			t.Errorf("the cluster stack was touched after its edge failed: %s", c)
		}
	}
}

// TestWriteNamesWhatStays: the plan says what is retained and where.
func TestWriteNamesWhatStays(t *testing.T) {
	var b bytes.Buffer
	Plan{Env: "prd", Delete: []string{"prd-edge-blue", "prd-cluster-blue"}, Retained: []Retained{
		{Stack: "prd-cluster-blue", LogicalID: "ClusterControlPlaneLogs", Type: "AWS::Logs::LogGroup", Name: "/aws/eks/prd-blue/cluster"},
		{Stack: "prd-cluster-blue", LogicalID: "ClusterSecretsKey", Type: "AWS::KMS::Key"},
	}}.Write(&b)
	for _, want := range []string{"- prd-edge-blue\n- prd-cluster-blue\n", "prd-cluster-blue ClusterControlPlaneLogs (AWS::Logs::LogGroup), named /aws/eks/prd-blue/cluster", "ClusterSecretsKey (AWS::KMS::Key), its physical id is in the stack's last events"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
}
