// Command bench measures the wall time of the synth a user runs, `make
// synth ENV=prd` and `make synth` (every env), against two references
// through the same CLI, Node 22, aws-cdk-lib and feature flags:
//
//   - the floor: an empty Go app on make synth's own path (bin/emptyapp:
//     the built binary, jsii, validation, cdk-nag), what no app can beat;
//   - the peer: prd's cluster as an EKS Blueprints app in plain JS
//     (bench/peer), synthesized as its users do.
//
// The cases run interleaved, round by round in a rotating order, so that
// the load of a shared machine falls on them alike; each run prints a line
// as it ends. The result is the median of each case and the ratios
// measured in this one run. `make bench` runs it from the project root.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// benchCase is one command the benchmark times.
type benchCase struct {
	key    string   // short name, in progress lines and ratios
	label  string   // what it runs, in the summary
	args   []string // make arguments
	report string   // the validation report a run leaves
}

var (
	prd   = benchCase{"prd", "make synth ENV=prd", []string{"synth", "ENV=prd"}, "cdk.out/validation-report.json"}
	all   = benchCase{"all envs", "make synth (dev, stg, prd)", []string{"synth"}, "cdk.out/validation-report.json"}
	floor = benchCase{"floor", "empty Go app (make synth-empty)", []string{"synth-empty"}, "cdk.out.empty/validation-report.json"}
	peer  = benchCase{"peer", "EKS Blueprints app of prd's cluster (make synth-peer)", []string{"synth-peer"}, "bench/peer/cdk.out/validation-report.json"}
	// With -detail, what each of make synth's speed-ups is worth: prd
	// with jsii's child on node's defaults (JSII_NODE=node overrides the
	// Makefile's), prd without the head start, and the peer's app on
	// bin/jsii-node's flags.
	stock = benchCase{"prd, stock node", "make synth ENV=prd JSII_NODE=node", []string{"synth", "ENV=prd", "JSII_NODE=node"}, "cdk.out/validation-report.json"}
	late  = benchCase{"prd, no headstart", "make synth ENV=prd HEADSTART=0", []string{"synth", "ENV=prd", "HEADSTART=0"}, "cdk.out/validation-report.json"}
	tuned = benchCase{"peer, tuned node", "make synth-peer PEER_NODE=bin/jsii-node", []string{"synth-peer", "PEER_NODE=" + mustAbs("bin/jsii-node")}, "bench/peer/cdk.out/validation-report.json"}
)

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		panic(err)
	}
	return abs
}

func main() {
	rounds := flag.Int("rounds", 5, "timed runs of each case")
	detail := flag.Bool("detail", false, "add prd on a stock node for jsii, prd without the head start, and the peer on bin/jsii-node's flags")
	flag.Parse()
	cases := []benchCase{prd, all, floor, peer}
	if *detail {
		cases = append(cases, stock, late, tuned)
	}
	fmt.Printf("bench: %d cases x %d rounds, interleaved, after one untimed warm-up run each; %d CPUs, load %s\n",
		len(cases), *rounds, numCPU(), loadAvg())
	// The warm-up builds the binaries, fills the package caches and the
	// disk cache, so that no timed run pays a one-time cost.
	for _, c := range cases {
		r := mustRun(c)
		fmt.Printf("[warm-up] %-16s %6.2f s\n", c.key, r.wall.Seconds())
	}
	results := make([][]run, len(cases))
	total := *rounds * len(cases)
	for round := 0; round < *rounds; round++ {
		for k := range cases {
			i := (k + round) % len(cases) // rotate the order each round
			r := mustRun(cases[i])
			results[i] = append(results[i], r)
			n := round*len(cases) + k + 1
			fmt.Printf("[%*d/%d] %-16s %6.2f s  (cpu %5.2f s)\n", len(fmt.Sprint(total)), n, total, cases[i].key, r.wall.Seconds(), r.cpu.Seconds())
		}
	}
	fmt.Println()
	if err := summarize(os.Stdout, cases, results); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Printf("load at the end: %s\n", loadAvg())
}

// run is one timed run: its wall time, the CPU time of its whole process
// tree (make, the CLI, the app, Node), and whether template validation ran.
type run struct {
	wall, cpu time.Duration
	validated bool
}

func mustRun(c benchCase) run {
	r, err := runCase(c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %s: %v\n", c.label, err)
		os.Exit(1)
	}
	return r
}

func runCase(c benchCase) (run, error) {
	cmd := exec.Command("make", append([]string{"-s", "--no-print-directory"}, c.args...)...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return run{}, fmt.Errorf("%w\n%s", err, out)
	}
	// wait4 reports a child's CPU time with that of every descendant it
	// waited for: here the whole synth.
	var cpu time.Duration
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	validated, err := validationRan(c.report)
	return run{wall: wall, cpu: cpu, validated: validated}, err
}

func numCPU() int {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	return strings.Count(string(data), "\nprocessor") + 1
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:3], " ")
}
