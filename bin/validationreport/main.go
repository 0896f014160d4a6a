// Command validationreport audits the validation report `cdk synth` wrote
// (cdk.out/validation-report.json by default): it exits non-zero on any
// violation, on any finding aws-cdk-lib suppressed that
// internal/validationreport does not acknowledge, and on an
// acknowledgement nothing needs. `make cli-synth` runs it after the synth.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ecplatform/eks-platform/internal/validationreport"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: validationreport [cdk.out/validation-report.json]")
	}
	flag.Parse()
	path := "cdk.out/validation-report.json"
	if flag.NArg() > 0 {
		path = flag.Arg(0)
	}
	r, err := validationreport.Read(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	res := validationreport.Check(r, validationreport.Acknowledged)
	for _, p := range res.Problems {
		fmt.Fprintf(os.Stderr, "%s: %s\n", path, p)
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(os.Stderr, "%s: %d problems (%d suppressed findings acknowledged)\n", path, len(res.Problems), res.Acknowledged)
		os.Exit(1)
	}
	fmt.Printf("%s: no violations; %d suppressed findings, all acknowledged\n", path, res.Acknowledged)
}
