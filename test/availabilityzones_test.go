package test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
)

// TestSubnetsUseConfiguredAvailabilityZones: every subnet of each env's
// network is in one of the availability zones its config lists, and every
// listed zone has subnets. The zones are literals in the template because
// they come from the config (no lookup at synth), which is why the
// CloudFormation validator's W3010 "Avoid hardcoding availability zones" is
// acknowledged (internal/validationreport).
func TestSubnetsUseConfiguredAvailabilityZones(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			stacks, err := assembly.Stacks(outdir, cfg.Name)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(stacks, func(s assembly.Stack) bool { return s.Name == cfg.Name+"-network" })
			if i < 0 {
				t.Fatalf("no %s-network stack", cfg.Name)
			}
			data, err := os.ReadFile(stacks[i].TemplateFile)
			if err != nil {
				t.Fatal(err)
			}
			var tmpl struct {
				Resources map[string]struct {
					Type       string
					Properties struct{ AvailabilityZone any }
				}
			}
			if err := json.Unmarshal(data, &tmpl); err != nil {
				t.Fatal(err)
			}
			perZone := map[string]int{}
			for id, r := range tmpl.Resources {
				if r.Type != "AWS::EC2::Subnet" {
					continue
				}
				az, ok := r.Properties.AvailabilityZone.(string)
				if !ok || !slices.Contains(cfg.AvailabilityZones, az) {
					t.Errorf("subnet %s: AvailabilityZone %v is not one of the configured %v", id, r.Properties.AvailabilityZone, cfg.AvailabilityZones)
					continue
				}
				perZone[az]++
			}
			for _, az := range cfg.AvailabilityZones {
				if perZone[az] == 0 {
					t.Errorf("configured availability zone %s has no subnet", az)
				}
			}
		})
	}
}
