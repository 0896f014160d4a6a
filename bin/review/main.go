// Command review reports, per stack of one environment, what a deploy would
// change: resources added, removed, changed and replaced, the dangerous ones
// first, using the CDK's own diff engine for CloudFormation's replacement
// semantics. It compares the synthesized assembly with the reviewed
// snapshots (test/golden) or with a base cloud assembly (the PR's base).
//
//	go run ./bin/review -env prd [-base DIR] [-allow-destructive] [-out FILE]
//
// It exits 2 when a change would replace or delete a stateful resource
// (data) or a resource that carries traffic, unless -allow-destructive.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ecplatform/eks-platform/internal/review"
)

func main() {
	env := flag.String("env", "", "environment to review (dev, stg, prd); required")
	assemblyDir := flag.String("assembly", "cdk.out", "the synthesized cloud assembly")
	base := flag.String("base", "test/golden", "baseline: a snapshot root (<dir>/<env>/*.template.json) or a cloud assembly (<dir>/assembly-<env>)")
	allow := flag.Bool("allow-destructive", false, "do not fail on replacing or deleting stateful or traffic-carrying resources")
	outFile := flag.String("out", "", "write the Markdown report here as well as to stdout")
	flag.Parse()
	if *env == "" {
		fmt.Fprintln(os.Stderr, "review: -env is required (e.g. -env prd)")
		os.Exit(1)
	}
	report, err := review.Review(*env, *assemblyDir, *base)
	if err != nil {
		fmt.Fprintln(os.Stderr, "review:", err)
		os.Exit(1)
	}
	var w io.Writer = os.Stdout
	if *outFile != "" {
		f, err := os.Create(*outFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "review:", err)
			os.Exit(1)
		}
		defer f.Close()
		w = io.MultiWriter(os.Stdout, f)
	}
	report.WriteMarkdown(w, *allow)
	if report.Destructive() && !*allow {
		os.Exit(2)
	}
}
