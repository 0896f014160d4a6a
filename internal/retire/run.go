package retire

import (
	"fmt"
	"io"
	"strings"
)

// Runner runs one command (the AWS CLI) and returns its standard output.
type Runner func(name string, args ...string) (string, error)

// Target is where the stacks are: the env's account and region, and the
// CDK bootstrap qualifier whose roles delete them.
type Target struct {
	Account, Region, Qualifier string
}

// role is a CDK bootstrap role of the target: deploy (which may delete
// stacks) or cfn-exec (which CloudFormation deletes them as).
func (t Target) role(kind string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/cdk-%s-%s-role-%s-%s", t.Account, t.Qualifier, kind, t.Account, t.Region)
}

// Write prints the plan for the review and the run log.
func (p Plan) Write(w io.Writer) {
	if len(p.Delete) == 0 {
		fmt.Fprintf(w, "Nothing to remove from %s: every deployed stack is still in the app.\n", p.Env)
		return
	}
	fmt.Fprintf(w, "Stacks removed from %s, deleted in this order (termination protection off first):\n", p.Env)
	for _, s := range p.Delete {
		fmt.Fprintf(w, "- %s\n", s)
	}
	if len(p.Retained) == 0 {
		fmt.Fprintln(w, "\nNothing is retained: every resource goes with its stack.")
		return
	}
	fmt.Fprintln(w, "\nRetained (DeletionPolicy Retain): they stay in the account after their stack is deleted; delete them by hand once confirmed unused:")
	for _, r := range p.Retained {
		name := "its physical id is in the stack's last events"
		if r.Name != "" {
			name = "named " + r.Name
		}
		fmt.Fprintf(w, "- %s %s (%s), %s\n", r.Stack, r.LogicalID, r.Type, name)
	}
}

// Execute deletes the plan's stacks in order, as the CDK deploy role with
// CloudFormation's execution role: termination protection off, delete,
// wait until deleted. It stops at the first failure.
func (p Plan) Execute(t Target, run Runner, log io.Writer) error {
	if len(p.Delete) == 0 {
		return nil
	}
	creds, err := run("aws", "sts", "assume-role", "--role-arn", t.role("deploy"), "--role-session-name", "retire-"+p.Env,
		"--query", "Credentials.[AccessKeyId,SecretAccessKey,SessionToken]", "--output", "text")
	if err != nil {
		return fmt.Errorf("assume the CDK deploy role: %w", err)
	}
	keys := strings.Fields(creds)
	if len(keys) != 3 {
		return fmt.Errorf("assume the CDK deploy role: unexpected credentials output")
	}
	as := []string{"env", "AWS_ACCESS_KEY_ID=" + keys[0], "AWS_SECRET_ACCESS_KEY=" + keys[1], "AWS_SESSION_TOKEN=" + keys[2], "aws", "--region", t.Region}
	aws := func(args ...string) error {
		_, err := run(as[0], append(as[1:], args...)...)
		return err
	}
	for _, s := range p.Delete {
		fmt.Fprintf(log, "deleting %s\n", s)
		if err := aws("cloudformation", "update-termination-protection", "--no-enable-termination-protection", "--stack-name", s); err != nil {
			return fmt.Errorf("%s: termination protection: %w", s, err)
		}
		if err := aws("cloudformation", "delete-stack", "--stack-name", s, "--role-arn", t.role("cfn-exec")); err != nil {
			return fmt.Errorf("%s: delete: %w", s, err)
		}
		if err := aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", s); err != nil {
			return fmt.Errorf("%s: did not finish deleting (see its events): %w", s, err)
		}
	}
	return nil
}
