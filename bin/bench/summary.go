package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/ecplatform/eks-platform/internal/benchstat"
	"github.com/ecplatform/eks-platform/internal/validationreport"
)

// ratio is one comparison the benchmark reports: num's median over den's.
type ratio struct {
	num, den string // case keys
	note     string
}

var ratios = []ratio{
	{"prd", "peer", "issue 16: at most 1.00x"},
	{"prd", "floor", "what prd's constructs cost over an empty app"},
	{"all envs", "floor", "what every env's constructs cost over an empty app"},
	{"prd", "prd, stock node", "what bin/jsii-node is worth to prd (flags, prewarmed validation, kernel on the app's pipes)"},
	{"prd", "prd, no headstart", "what bin/headstart is worth"},
	{"peer, tuned node", "peer", "what its flags and prewarmed validation would be worth to the peer"},
	{"prd", "peer, tuned node", "prd against the peer on the same flags"},
}

// summarize prints each case's medians and the ratios between them. It
// fails when validation ran in some runs and not in others: the cases
// would not be comparable.
func summarize(w io.Writer, cases []benchCase, results [][]run) error {
	validated, skipped := 0, 0
	fmt.Fprintf(w, "%-18s %-55s %4s %8s %8s %8s %9s\n", "case", "command", "runs", "median", "min", "max", "cpu med")
	medians := map[string]time.Duration{}
	cpus := map[string]time.Duration{}
	for i, c := range cases {
		walls, cpu := []time.Duration{}, []time.Duration{}
		for _, r := range results[i] {
			walls = append(walls, r.wall)
			cpu = append(cpu, r.cpu)
			if r.validated {
				validated++
			} else {
				skipped++
			}
		}
		medians[c.key], cpus[c.key] = benchstat.Median(walls), benchstat.Median(cpu)
		fmt.Fprintf(w, "%-18s %-55s %4d %7.2fs %7.2fs %7.2fs %8.2fs\n", c.key, c.label, len(walls),
			medians[c.key].Seconds(), slices.Min(walls).Seconds(), slices.Max(walls).Seconds(), cpus[c.key].Seconds())
	}
	fmt.Fprintln(w)
	for _, r := range ratios {
		n, okN := medians[r.num]
		d, okD := medians[r.den]
		if !okN || !okD {
			continue
		}
		fmt.Fprintf(w, "%-28s %5.2fx wall  %5.2fx cpu   %s\n", r.num+" / "+r.den, float64(n)/float64(d), float64(cpus[r.num])/float64(cpus[r.den]), r.note)
	}
	switch {
	case skipped == 0:
		fmt.Fprintln(w, "template validation: on in every run of every case (each run wrote validation-report.json)")
	case validated == 0:
		fmt.Fprintln(w, "template validation: off in every run of every case (FAST=1)")
	default:
		return fmt.Errorf("template validation ran in %d runs and not in %d: the cases are not comparable", validated, skipped)
	}
	fmt.Fprintln(w, "make synth: the app on bin/jsii-node, started by bin/headstart; the peer: `cdk synth`, its app on node's defaults, as a Blueprints user runs it")
	return nil
}

// validationRan tells from the output directory a run left (each case
// deletes it first) whether template validation ran: aws-cdk-lib writes
// validation-report.json only when it did (and leaves out a plugin that
// found nothing, so an empty report is a validated clean app).
func validationRan(report string) (bool, error) {
	if _, err := validationreport.Read(report); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}
