package envs

import (
	"slices"
	"testing"
)

// BenchmarkLoadAndValidateEveryEnv times what bin/platform does before it
// builds anything: LoadDir on this directory, which reads dev.yaml,
// stg.yaml and prd.yaml, validates each and then the set (make bench).
// With no CDK linked it costs milliseconds; a Node start (jsii) would add
// about a second to the first iteration (TestLinksNoCDK keeps it out).
func BenchmarkLoadAndValidateEveryEnv(b *testing.B) {
	for b.Loop() {
		cfgs, err := LoadDir(".")
		if err != nil {
			b.Fatal(err)
		}
		names := make([]string, len(cfgs))
		for i, c := range cfgs {
			names[i] = c.Name
		}
		if !slices.Equal(names, []string{"dev", "prd", "stg"}) {
			b.Fatalf("loaded %v, want dev, prd and stg", names)
		}
	}
}
