// Command headstart gives the CDK app a head start on the CDK CLI. The
// CLI spends about 0.7 s loading itself before it runs the app, one core
// busy and the other idle; headstart starts the app at the same time as
// the CLI, with the environment the CLI gave the app the last time it ran
// with the same arguments, and the CLI's app command (headstart -join)
// adopts that early run only if the CLI's environment is the same, byte
// for byte. Otherwise the early run is stopped, what it wrote is removed
// and the app runs as usual, with the CLI's environment. Either way the
// assembly comes from a run of the app with exactly the environment the
// CLI gave it; the CLI does everything else as always.
//
//	headstart -app .build/platform -- cdk synth --app '.build/headstart -join .build/platform' ...
//
// Only what the CLI adds to or changes in its environment (CDK_OUTDIR,
// CDK_CONTEXT_JSON, ...) is recorded, under .build/headstart: never the
// rest of the user's environment.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	app := flag.String("app", "", "the CDK app the CLI runs (its command, without arguments)")
	joinApp := flag.String("join", "", "as the CLI's app command: adopt the early run of this app, or run it")
	state := flag.String("state", ".build/headstart", "where the CLI's environment is recorded")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: headstart -app APP [-state DIR] -- CDK CLI COMMAND... | headstart -join APP")
		flag.PrintDefaults()
	}
	flag.Parse()
	switch {
	case *joinApp != "":
		os.Exit(join(*joinApp))
	case *app != "" && flag.NArg() > 0:
		code, err := lead(*app, *state, flag.Args())
		if err != nil {
			fmt.Fprintln(os.Stderr, "headstart:", err)
		}
		os.Exit(code)
	default:
		flag.Usage()
		os.Exit(2)
	}
}
