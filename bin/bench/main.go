// Command bench measures the wall time of the synth a user runs: every env,
// one env (prd), and an empty CDK app through the same toolchain and
// settings (CLI, Node 22, schema validation, cdk-nag). The cases run
// interleaved, round by round, so that machine load hits them alike, and the
// result is reported as ratios measured in this one run.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"
)

type benchCase struct {
	name string
	args []string // make arguments
}

var cases = []benchCase{
	{"make synth (all envs)", []string{"synth"}},
	{"make synth ENV=prd", []string{"synth", "ENV=prd"}},
	{"empty CDK app", []string{"synth-empty"}},
}

func main() {
	rounds := flag.Int("rounds", 5, "runs of each case")
	flag.Parse()
	// One untimed run of each warms the Go build cache and the disk cache.
	for _, c := range cases {
		if err := run(c); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", c.name, err)
			os.Exit(1)
		}
	}
	times := make([][]time.Duration, len(cases))
	for r := 0; r < *rounds; r++ {
		for k := range cases {
			i := (k + r) % len(cases) // rotate the order each round
			start := time.Now()
			if err := run(cases[i]); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", cases[i].name, err)
				os.Exit(1)
			}
			times[i] = append(times[i], time.Since(start))
		}
	}
	base := median(times[len(cases)-1])
	fmt.Printf("%-24s %5s %9s %9s %9s %14s\n", "case", "runs", "median", "min", "max", "x empty app")
	for i, c := range cases {
		t := times[i]
		fmt.Printf("%-24s %5d %8.2fs %8.2fs %8.2fs %13.2fx\n", c.name, len(t), median(t).Seconds(), slices.Min(t).Seconds(), slices.Max(t).Seconds(), float64(median(t))/float64(base))
	}
	fmt.Printf("all envs / prd only: %.2fx\n", float64(median(times[0]))/float64(median(times[1])))
}

func run(c benchCase) error {
	cmd := exec.Command("make", append([]string{"-s"}, c.args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
