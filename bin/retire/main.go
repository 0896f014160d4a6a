// Command retire removes from one environment the stacks that left the
// app (a removed cluster's cluster and edge stacks), which `cdk deploy`
// never deletes. It compares what is deployed with the assembly just
// deployed, prints the plan (the stacks, in order, and the resources
// CloudFormation keeps), and with -execute deletes them through the CDK
// bootstrap roles: termination protection off, delete, wait.
//
//	go run ./bin/retire -env prd -baseline deployed [-assembly cdk.out] [-execute]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/retire"
)

func main() {
	env := flag.String("env", "", "environment (dev, stg, prd); required")
	baseline := flag.String("baseline", "", "what is deployed: the deployed/<env> record or a cloud assembly; required")
	assemblyDir := flag.String("assembly", "cdk.out", "the cloud assembly that was just deployed")
	envsDir := flag.String("envs", "envs", "the env files (for the account, region and CDK qualifier)")
	execute := flag.Bool("execute", false, "delete the stacks (needs AWS credentials of the env's deploy role)")
	flag.Parse()
	if *env == "" || *baseline == "" {
		fmt.Fprintln(os.Stderr, "retire: -env and -baseline are required")
		os.Exit(1)
	}
	cfg, err := envs.Load(fmt.Sprintf("%s/%s.yaml", *envsDir, *env))
	if err != nil {
		fmt.Fprintf(os.Stderr, "retire: %v\n", err)
		os.Exit(1)
	}
	plan, err := retire.NewPlan(*env, *baseline, *assemblyDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "retire: %v\n", err)
		os.Exit(1)
	}
	plan.Write(os.Stdout)
	if !*execute {
		return
	}
	target := retire.Target{Account: cfg.Account, Region: cfg.Region, Qualifier: cfg.Delivery.CdkQualifier}
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		return string(out), err
	}
	if err := plan.Execute(target, run, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "retire: %v\n", err)
		os.Exit(1)
	}
}
