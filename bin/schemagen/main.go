// Command schemagen prints the JSON Schema of the env files, generated from
// the Go config types (`make schema` writes it to envs/env.schema.json).
package main

import (
	"fmt"
	"os"

	"github.com/ecplatform/eks-platform/envs"
)

func main() {
	// The field descriptions come from the envs package's doc comments.
	if err := os.Chdir("envs"); err != nil {
		fmt.Fprintln(os.Stderr, "run from the repository root:", err)
		os.Exit(1)
	}
	out, err := envs.Schema(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
