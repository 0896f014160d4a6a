package cluster

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/spec"
)

func TestIstioPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		p          IstioProps
	}{
		{"no revision", "revisions: at least one control plane revision", IstioProps{}},
		{"three side by side", "revisions: at most 2 control planes side by side", IstioProps{Revisions: []string{"1-29", "1-30", "1-29"}}},
		{"unknown revision", `revisions[0]: must be one of [1-29 1-30], got "1-28"`, IstioProps{Revisions: []string{"1-28"}}},
		{"revision with a dot", `revisions[0]: must be one of [1-29 1-30], got "1.30"`, IstioProps{Revisions: []string{"1.30"}}},
		{"listed twice", `revisions[1]: "1-30" is listed twice`, IstioProps{Revisions: []string{"1-30", "1-30"}}},
		{"default not installed", `defaultRevision: must be one of revisions [1-30], got "1-29"`, IstioProps{Revisions: []string{"1-30"}, DefaultRevision: "1-29"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := (IstioProps{Revisions: []string{"1-29", "1-30"}, DefaultRevision: "1-29"}).Validate(); err != nil {
		t.Errorf("two revisions side by side: %v", err)
	}
}

// helmRelease is a HelmChart custom resource as the kubectl provider's
// helm installs it.
type helmRelease struct {
	Chart, Repository, Release, Namespace, Version string
	Values                                         map[string]any
	DependsOn                                      []string
}

func helmReleases(t *testing.T, tmpl assertions.Template) map[string]helmRelease {
	t.Helper()
	out := map[string]helmRelease{}
	for id, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-HelmChart"), nil) {
		p := (*r)["Properties"].(map[string]any)
		h := helmRelease{Chart: catalogcheck.Render(p["Chart"]), Repository: catalogcheck.Render(p["Repository"]), Release: catalogcheck.Render(p["Release"]),
			Namespace: catalogcheck.Render(p["Namespace"]), Version: catalogcheck.Render(p["Version"])}
		if v, ok := p["Values"]; ok {
			if err := json.Unmarshal([]byte(catalogcheck.Render(v)), &h.Values); err != nil {
				t.Fatalf("%s: values: %v", id, err)
			}
		}
		deps, _ := (*r)["DependsOn"].([]any)
		for _, d := range deps {
			h.DependsOn = append(h.DependsOn, d.(string))
		}
		out[h.Release] = h
	}
	return out
}

// value is the value at a dotted path of a release's values.
func value(values map[string]any, path string) any {
	var v any = values
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestIstio installs two revisions side by side, as the canary step of an
// upgrade does: each its own istiod release, labelled by revision, and the
// cluster-wide base and CNI at the newest.
func TestIstio(t *testing.T) {
	stack, c := newClusterStack(t, "1.35")
	istio := c.AddIstio(IstioProps{Revisions: []string{"1-29", "1-30"}, DefaultRevision: "1-29"})
	tmpl := constructtest.Template(t, stack)
	releases := helmReleases(t, tmpl)
	for _, tc := range []struct {
		release, chart, version string
		values                  map[string]any
	}{
		{IstioBaseRelease, "base", "1.30.3", map[string]any{"defaultRevision": "1-29"}},
		{IstioCniRelease, "cni", "1.30.3", nil},
		{"istiod-1-29", "istiod", "1.29.6", map[string]any{"revision": "1-29", "cni.enabled": true, "autoscaleMin": float64(2), "global.proxy.seccompProfile.type": "RuntimeDefault"}},
		{"istiod-1-30", "istiod", "1.30.3", map[string]any{"revision": "1-30", "cni.enabled": true, "autoscaleMin": float64(2), "global.proxy.seccompProfile.type": "RuntimeDefault"}},
	} {
		t.Run(tc.release, func(t *testing.T) {
			h, ok := releases[tc.release]
			if !ok {
				t.Fatalf("no release %s; releases: %v", tc.release, releases)
			}
			if h.Chart != tc.chart || h.Version != tc.version || h.Repository != IstioChartRepository || h.Namespace != spec.IstioNamespace {
				t.Errorf("release %s is chart %s %s from %s in %s, want %s %s from %s in %s", tc.release, h.Chart, h.Version, h.Repository, h.Namespace, tc.chart, tc.version, IstioChartRepository, spec.IstioNamespace)
			}
			for path, want := range tc.values {
				if got := value(h.Values, path); got != want {
					t.Errorf("values.%s = %v, want %v", path, got, want)
				}
			}
		})
	}
	t.Run("istio-system runs the privileged CNI node agent", func(t *testing.T) {
		ns := namespaceObject(t, tmpl, spec.IstioNamespace)
		if got := ns["pod-security.kubernetes.io/enforce"]; got != string(PodSecurityPrivileged) {
			t.Errorf("enforce = %v, want privileged", got)
		}
	})
	t.Run("control planes after base and CNI", func(t *testing.T) {
		for _, r := range []string{"istiod-1-29", "istiod-1-30"} {
			deps := strings.Join(releases[r].DependsOn, " ")
			if !strings.Contains(deps, "IstioBase") || !strings.Contains(deps, "IstioCni") {
				t.Errorf("%s depends on %s, want base and CNI", r, deps)
			}
		}
	})
	if istio.DefaultRevision != "1-29" || len(istio.Istiod) != 2 {
		t.Errorf("Istio = %+v", istio)
	}
	if got := InjectionLabels("1-30"); got[LabelIstioRevision] != "1-30" || len(got) != 1 {
		t.Errorf("InjectionLabels = %v", got)
	}
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
}

// TestIstioDefaultsToTheNewestRevision: one revision listed, it validates.
func TestIstioDefaultsToTheNewestRevision(t *testing.T) {
	_, c := newClusterStack(t, "1.35")
	if got := c.AddIstio(IstioProps{Revisions: []string{"1-30", "1-29"}}).DefaultRevision; got != "1-30" {
		t.Errorf("DefaultRevision = %s, want the newest, 1-30", got)
	}
}

// namespaceObject is the labels of the Namespace object named name.
func namespaceObject(t *testing.T, tmpl assertions.Template, name string) map[string]any {
	t.Helper()
	for _, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-KubernetesResource"), nil) {
		var objects []map[string]any
		if err := json.Unmarshal([]byte(catalogcheck.Render((*r)["Properties"].(map[string]any)["Manifest"])), &objects); err != nil {
			t.Fatal(err)
		}
		for _, o := range objects {
			md := o["metadata"].(map[string]any)
			if o["kind"] == "Namespace" && md["name"] == name {
				labels, _ := md["labels"].(map[string]any)
				return labels
			}
		}
	}
	t.Fatalf("no Namespace %s", name)
	return nil
}
