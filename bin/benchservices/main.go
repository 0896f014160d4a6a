// Command benchservices measures how the platform's synth grows with its
// service catalog: prd grown to 10, 50 and 200 services (a third each with
// Aurora, DynamoDB and no data store, every one routed), each synthesized
// in this one process, interleaved round by round so that machine load hits
// every size alike. It prints, per size, the median synth time, the
// largest stack's resources and template bytes, and the total resources;
// then how time grows against 10 services. Times are of the app (building
// the constructs and writing the assembly), after one untimed warm-up that
// pays jsii's start: the CLI's own start is the same at every size and is
// measured by bin/bench.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/benchstat"
	"github.com/ecplatform/eks-platform/internal/growth"
	"github.com/ecplatform/eks-platform/stacks"
)

// sizes are the catalog sizes measured; the first is the reference.
var sizes = []int{10, 50, 200}

type result struct {
	times                   []time.Duration
	largest, largestBytes   int
	largestStack            string
	total, stackCount, svcs int
}

func main() {
	rounds := flag.Int("rounds", 3, "timed synths of each size")
	envsDir := flag.String("envs", "envs", "the directory of the shipped env files")
	flag.Parse()
	defer jsii.Close()
	configs := make([]*envs.Config, len(sizes))
	for i, n := range sizes {
		g := growth.Env{Base: filepath.Join(*envsDir, "prd.yaml"), Services: n, Clusters: 1, Groups: 1}
		data, err := g.YAML()
		if err != nil {
			fail(err)
		}
		if configs[i], err = envs.Parse("prd.yaml", data); err != nil {
			fail(fmt.Errorf("%s: %w", g, err))
		}
	}
	tmp, err := os.MkdirTemp("", "benchservices-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	fmt.Println("warm-up synth (starts jsii's Node process) ...")
	if _, err := synth(configs[0], filepath.Join(tmp, "warmup")); err != nil {
		fail(err)
	}
	results := make([]result, len(sizes))
	for r := 0; r < *rounds; r++ {
		// Rotate the order each round: no size always runs first.
		for k := range sizes {
			i := (k + r) % len(sizes)
			dir := filepath.Join(tmp, fmt.Sprintf("r%d-%d", r, sizes[i]))
			d, err := synth(configs[i], dir)
			if err != nil {
				fail(err)
			}
			results[i].times = append(results[i].times, d)
			if r == 0 {
				if err := measure(&results[i], dir); err != nil {
					fail(err)
				}
				results[i].svcs = sizes[i]
			}
			os.RemoveAll(dir)
			fmt.Printf("round %d/%d: %3d services synthesized in %v\n", r+1, *rounds, sizes[i], d.Round(time.Millisecond))
		}
	}
	fmt.Printf("\n| services | synth (median of %d) | stacks | largest stack | its resources | its template | total resources |\n", *rounds)
	fmt.Println("| ---: | ---: | ---: | --- | ---: | ---: | ---: |")
	for _, r := range results {
		fmt.Printf("| %d | %v | %d | %s | %d | %d KB | %d |\n", r.svcs, benchstat.Median(r.times).Round(time.Millisecond), r.stackCount, r.largestStack, r.largest, r.largestBytes/1000, r.total)
	}
	base := benchstat.Median(results[0].times)
	fmt.Println()
	for _, r := range results[1:] {
		fmt.Printf("%d services cost %.2fx the synth of %d (%.1fx the services)\n", r.svcs, float64(benchstat.Median(r.times))/float64(base), sizes[0], float64(r.svcs)/float64(sizes[0]))
	}
}

// synth builds cfg's env into dir, as bin/platform does, and times it.
func synth(cfg *envs.Config, dir string) (time.Duration, error) {
	start := time.Now()
	app := awscdk.NewApp(&awscdk.AppProps{Context: &stacks.FeatureFlags, Outdir: jsii.String(dir)})
	stacks.NewEnvironment(app, cfg)
	app.Synth(nil)
	return time.Since(start), nil
}

// measure reads the assembly's templates: the largest stack by resources,
// and the total.
func measure(r *result, dir string) error {
	list, err := assembly.Stacks(dir, "prd")
	if err != nil {
		return err
	}
	for _, s := range list {
		data, err := os.ReadFile(s.TemplateFile)
		if err != nil {
			return err
		}
		var tmpl struct{ Resources map[string]any }
		if err := json.Unmarshal(data, &tmpl); err != nil {
			return err
		}
		r.total += len(tmpl.Resources)
		r.stackCount++
		if len(tmpl.Resources) > r.largest {
			r.largest, r.largestBytes, r.largestStack = len(tmpl.Resources), len(data), s.Name
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchservices:", err)
	os.Exit(1)
}
