package envs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestShippedEnvsLoad keeps the committed env files valid, alone and as a set.
func TestShippedEnvsLoad(t *testing.T) {
	cfgs, err := LoadDir(".")
	if err != nil {
		t.Fatalf("LoadDir(envs) = %v", err)
	}
	var names []string
	for _, c := range cfgs {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "dev,prd,stg" {
		t.Fatalf("envs = %s, want dev,prd,stg", got)
	}
}

// TestInvalidCorpus loads every file of testdata/invalid as if it were
// dev.yaml and requires each of its "# want:" messages, so that each
// message a user sees is pinned to a config that produces it.
func TestInvalidCorpus(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 20 {
		t.Fatalf("corpus has %d files, want at least 20", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wants []string
			for _, line := range strings.Split(string(data), "\n") {
				if w, ok := strings.CutPrefix(line, "# want: "); ok {
					wants = append(wants, w)
				}
			}
			if len(wants) == 0 {
				t.Fatalf("%s has no # want: line", f)
			}
			_, err = Parse("dev.yaml", data)
			if err == nil {
				t.Fatalf("Parse accepted an invalid config; want %q", wants)
			}
			for _, w := range wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q; got:\n%s", w, err)
				}
			}
			// Users must never see the YAML library's excerpts or a Go type name.
			for _, leak := range []string{"envs.Config", "reflect", "goroutine", "\x1b["} {
				if strings.Contains(err.Error(), leak) {
					t.Errorf("error leaks %q:\n%s", leak, err)
				}
			}
		})
	}
}

// TestValidateSet covers what only the set of envs can show.
func TestValidateSet(t *testing.T) {
	load := func(t *testing.T, name string, edit func(string) string) *Config {
		t.Helper()
		data, err := os.ReadFile(name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse(name+".yaml", []byte(edit(string(data))))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return cfg
	}
	same := func(s string) string { return s }
	for _, tc := range []struct {
		name string
		prd  func(string) string
		want []string
	}{
		{"shipped envs are a valid set", same, nil},
		{"shared account", func(s string) string { return strings.ReplaceAll(s, "430987654321", "210987654321") },
			[]string{`prd.yaml:4: account: 210987654321 is also dev's account (dev.yaml): each env has its own AWS account`}},
		{"overlapping VPCs", func(s string) string { return strings.Replace(s, "10.130.0.0/16", "10.110.0.0/17", 1) },
			[]string{"prd.yaml:17: network.vpcCidr: 10.110.0.0/17 overlaps dev's VPC 10.110.0.0/16 (dev.yaml)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgs := []*Config{load(t, "dev", same), load(t, "stg", same), load(t, "prd", tc.prd)}
			errs := ValidateSet(cfgs)
			if len(tc.want) == 0 {
				if len(errs) > 0 {
					t.Fatalf("ValidateSet = %v, want no error", errs.Err())
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("ValidateSet accepted the set; want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs.Err().Error(), w) {
					t.Errorf("missing %q in:\n%s", w, errs.Err())
				}
			}
		})
	}
	t.Run("VPC overlapping another env's on-prem range", func(t *testing.T) {
		dev := load(t, "dev", func(s string) string { return strings.Replace(s, "- 172.20.0.0/16", "- 10.130.128.0/20", 1) })
		errs := ValidateSet([]*Config{dev, load(t, "prd", same)})
		if !strings.Contains(errs.Err().Error(), "prd.yaml:17: network.vpcCidr: 10.130.0.0/16 overlaps on-prem range 10.130.128.0/20 (dev.yaml network.onPremCidrs[1])") {
			t.Fatalf("got %v", errs.Err())
		}
	})
	t.Run("VPC overlapping another env's routed range", func(t *testing.T) {
		prd := load(t, "prd", func(s string) string { return strings.Replace(s, "- 10.160.0.0/16", "- 10.110.0.0/20", 1) })
		errs := ValidateSet([]*Config{load(t, "dev", same), prd})
		if !strings.Contains(errs.Err().Error(), "dev.yaml:16: network.vpcCidr: 10.110.0.0/16 overlaps prd's routed range 10.110.0.0/20 (prd.yaml network.routedCidrs[0]): the data centre, which routes both, could not tell them apart") {
			t.Fatalf("got %v", errs.Err())
		}
	})
}

// FuzzParse: no input may panic the loader; an accepted config is valid.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	seeds = append(seeds, "dev.yaml", "stg.yaml", "prd.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("name: [\n"))
	f.Add([]byte("&a [*a]"))
	// The hostile inputs (alias bomb, deep nesting, tags, tokens, bytes),
	// the large ones smaller: the fuzzer mutates a seed byte by byte.
	if dev, err := os.ReadFile("dev.yaml"); err == nil {
		for _, h := range hostileInputs {
			if data := h.data(string(dev)); len(data) <= 64<<10 {
				f.Add(data)
			}
		}
		for _, small := range []func(string) []byte{deep(100, "[", "]"), deep(100, "{a: ", "}"), deepBlock(40)} {
			f.Add(small(string(dev)))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("dev.yaml", data)
		if err == nil && len(Validate(cfg)) > 0 {
			t.Fatalf("Parse accepted a config that Validate rejects")
		}
	})
}

// TestCoreTagsAreRead: the YAML core schema's tags name what a value
// already is, so a file may write them; they load as if absent (the YAML
// decoder alone fails on !!int and !!map).
func TestCoreTagsAreRead(t *testing.T) {
	dev, err := os.ReadFile("dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse("dev.yaml", dev)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ old, new string }{
		{`version: "1.34"`, `version: !!str 1.34`},
		{"natGateways: 1", "natGateways: !!int 1"},
		{"retainStatefulResources: false", "retainStatefulResources: !!bool false"},
		{"protection:", "protection: !!map"},
		{"onPremCidrs:", "onPremCidrs: !!seq"},
		{"  owner: platform-team", "  !!str owner: !!str platform-team"},
	} {
		t.Run(tc.new, func(t *testing.T) {
			got, err := Parse("dev.yaml", []byte(strings.Replace(string(dev), tc.old, tc.new, 1)))
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			got.src, want.src = nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("loads as\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
