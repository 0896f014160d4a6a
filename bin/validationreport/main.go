// Command validationreport audits the validation report `cdk synth` wrote
// (cdk.out/validation-report.json by default): it exits non-zero on any
// violation, on any finding aws-cdk-lib suppressed that
// internal/validationreport does not acknowledge, and on an
// acknowledgement nothing needs. `make cli-synth` runs it after the synth.
//
//	validationreport [cdk.out/validation-report.json]   audit a report
//	validationreport -record cdk.out                    audit, then record the validated templates (make synth)
//	validationreport -verify cdk.out [-env prd]         the deploy's gate: audit, and every template is recorded as validated
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ecplatform/eks-platform/internal/validationreport"
)

func main() {
	record := flag.String("record", "", "audit the report of this cloud assembly, then record its validated templates")
	verify := flag.String("verify", "", "refuse this cloud assembly unless every template it would deploy is recorded as validated")
	env := flag.String("env", "", "with -verify: only this environment's templates")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: validationreport [cdk.out/validation-report.json] | -record cdk.out | -verify cdk.out [-env ENV]")
		flag.PrintDefaults()
	}
	flag.Parse()
	switch {
	case *record != "":
		exitOn(validationreport.Record(*record))
		fmt.Printf("%s: validation passed; templates recorded in %s\n", *record, validationreport.RecordFile)
	case *verify != "":
		exitOn(validationreport.Verify(*verify, *env))
		fmt.Printf("%s: every template%s was validated at synth\n", *verify, forEnv(*env))
	default:
		path := "cdk.out/" + validationreport.ReportFile
		if flag.NArg() > 0 {
			path = flag.Arg(0)
		}
		audit(path)
	}
}

func audit(path string) {
	r, err := validationreport.Read(path)
	exitOn(err)
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

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func forEnv(env string) string {
	if env == "" {
		return ""
	}
	return " of " + env
}
