package envs

import (
	"os"
	"strings"
	"testing"
)

// TestFalcoConfig: what an env file says about Falco, and what it gets when
// it says less.
func TestFalcoConfig(t *testing.T) {
	data, err := os.ReadFile("dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dev := string(data)
	i := strings.Index(dev, "security:\n")
	if i < 0 {
		t.Fatal("dev.yaml has no security block")
	}
	without := dev[:i]
	for _, tc := range []struct {
		name    string
		file    string
		enabled bool
		min     FalcoPriority
	}{
		{"no security block: off", without, false, DefaultFalcoMinPriority},
		{"dev as shipped: off", dev, false, DefaultFalcoMinPriority},
		{"on, at the default priority", without + "security:\n  falco: {enabled: true}\n", true, "notice"},
		{"on, at a priority", without + "security:\n  falco: {enabled: true, minPriority: critical}\n", true, "critical"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("dev.yaml", []byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if f := cfg.Security.Falco; f.Enabled != tc.enabled || f.MinPriority != tc.min {
				t.Errorf("falco = %+v, want enabled %v at %s", f, tc.enabled, tc.min)
			}
		})
	}
	for _, env := range []string{"stg", "prd"} {
		cfg, err := Load(env + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		if !cfg.Security.Falco.Enabled {
			t.Errorf("%s runs no Falco", env)
		}
	}
}
