package cluster

import (
	"strings"
	"testing"
)

func TestNamespacePropsValidate(t *testing.T) {
	// Valid props are built in the edge and app tests, which need a cluster.
	valid := NamespaceProps{Name: "api-gateway", Enforce: PodSecurityBaseline, Warn: PodSecurityRestricted}
	for _, tc := range []struct {
		name   string
		mutate func(*NamespaceProps)
		want   string
	}{
		{"no cluster", func(p *NamespaceProps) {}, "cluster: required"},
		{"uppercase", func(p *NamespaceProps) { p.Name = "Api" }, `name: "Api": a lowercase RFC 1123 label`},
		{"dot", func(p *NamespaceProps) { p.Name = "api.gateway" }, `name: "api.gateway"`},
		{"unknown level", func(p *NamespaceProps) { p.Enforce = "strict" }, `enforce: must be one of [privileged baseline restricted], got "strict"`},
		{"bad label key", func(p *NamespaceProps) { p.Labels = map[string]string{"bad key!": "x"} }, `labels: key "bad key!"`},
		{"bad label value", func(p *NamespaceProps) { p.Labels = map[string]string{"team": "a b"} }, `labels["team"]: value "a b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid
			tc.mutate(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
