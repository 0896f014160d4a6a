// Command record writes what a deploy just shipped to one environment as
// the baseline of the next pull request: the env's templates, normalised
// as the snapshots are (assembly.Normalize), under <out>/<env>/, with the
// commit they came from. The deploy workflow commits it to the branch
// deployed/<env>; the guardrails and the review read it from there.
//
//	go run ./bin/record -env prd -assembly cdk.out -out deployed -commit $GITHUB_SHA
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ecplatform/eks-platform/internal/assembly"
)

func main() {
	env := flag.String("env", "", "environment (dev, stg, prd); required")
	assemblyDir := flag.String("assembly", "cdk.out", "the cloud assembly that was deployed")
	out := flag.String("out", "deployed", "the baseline root to write <env>/ into")
	commit := flag.String("commit", "", "the commit the assembly was synthesized from")
	flag.Parse()
	if *env == "" {
		fmt.Fprintln(os.Stderr, "record: -env is required")
		os.Exit(1)
	}
	if err := record(*env, *assemblyDir, *out, *commit); err != nil {
		fmt.Fprintln(os.Stderr, "record:", err)
		os.Exit(1)
	}
}

func record(env, assemblyDir, out, commit string) error {
	stacks, err := assembly.Stacks(assemblyDir, env)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, env)
	// The record is what runs now: stacks that left the app leave it too.
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range stacks {
		tmpl, err := s.Template()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, s.Name+".template.json"), tmpl, 0o644); err != nil {
			return err
		}
	}
	note := fmt.Sprintf("deployed %s from commit %s at %s\n", env, commit, time.Now().UTC().Format(time.RFC3339))
	return os.WriteFile(filepath.Join(dir, "DEPLOYED"), []byte(note), 0o644)
}
