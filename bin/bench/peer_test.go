package main

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/ecplatform/eks-platform/internal/cdkflags"
)

// TestPeerHasTheAppsFeatureFlags: the peer synthesizes with every feature
// flag the Go app sets, at the same value, and with the same validation
// setting, so that the benchmark compares like with like.
func TestPeerHasTheAppsFeatureFlags(t *testing.T) {
	read := func(path string) map[string]any {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Context map[string]any `json:"context"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return c.Context
	}
	peer := read("../../bench/peer/cdk.json")
	for flag, want := range cdkflags.FeatureFlags {
		if got, ok := peer[flag]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("bench/peer/cdk.json: %s = %v, want %v (internal/cdkflags)", flag, got, want)
		}
	}
	const validate = "@aws-cdk/core:validateAgainstDefaultRules"
	if app := read("../../cdk.json"); peer[validate] != app[validate] {
		t.Errorf("bench/peer/cdk.json: %s = %v, cdk.json has %v", validate, peer[validate], app[validate])
	}
}
