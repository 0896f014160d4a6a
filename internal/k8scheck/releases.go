package k8scheck

import (
	"fmt"
	"slices"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"
)

// maxReleaseName is Helm's limit on a release name (chartutil.ValidateReleaseName):
// its resources' names are derived from it.
const maxReleaseName = 53

type releaseKey struct{ Cluster, Namespace, Name string }

// checkReleases checks each Helm release as Helm and the API server will:
// its name and namespace, one release per name in a namespace of a
// cluster, a chart the check knows at that version, and every value key
// the app sets declared by the chart's values.yaml.
func (s *Schemas) checkReleases(rs []release) []Finding {
	var findings []Finding
	first := map[releaseKey]Origin{}
	for _, r := range rs {
		desc := fmt.Sprintf("Helm release %s/%s (chart %s %s)", r.Namespace, r.Name, r.Chart, r.Version)
		add := func(format string, args ...any) {
			findings = append(findings, Finding{Origin: r.Origin, Object: desc, Message: fmt.Sprintf(format, args...)})
		}
		for _, msg := range validation.IsDNS1123Subdomain(r.Name) {
			add("Release %q: %s", r.Name, msg)
		}
		if len(r.Name) > maxReleaseName {
			add("Release %q: Helm allows at most %d characters", r.Name, maxReleaseName)
		}
		for _, msg := range apivalidation.ValidateNamespaceName(r.Namespace, false) {
			add("Namespace %q: %s", r.Namespace, msg)
		}
		key := releaseKey{r.Cluster, r.Namespace, r.Name}
		if f, dup := first[key]; dup {
			add("%s %s installs a release of the same name in the same namespace of cluster %s", f.Stack, f.Resource, r.Cluster)
		} else {
			first[key] = r.Origin
		}
		c := s.chart(r)
		switch {
		case c == nil:
			add("the check knows no chart %s %s from %s (internal/k8scheck/charts.go): its values and CRDs are not checked", r.Chart, r.Version, r.Repository)
		case c.valuesProblem != "":
			add("values not checked: %s", c.valuesProblem)
		default:
			var notDeclared []string
			if c.ModuleChartVersion != c.Version {
				notDeclared = slices.Clone(c.ValuesKeysAdded)
			}
			// Keys a later chart version added, as paths below ValuesRoot.
			for i, k := range notDeclared {
				if c.ValuesRoot != "" {
					notDeclared[i] = strings.TrimPrefix(k, c.ValuesRoot+".")
				}
			}
			for _, p := range checkValueKeys(r.Values, c.values, notDeclared) {
				add("Values.%s", p)
			}
			if c.schema != nil {
				for _, p := range validateValues(c.schema, coalesce(r.Values, c.values)) {
					add("Values do not match the chart's values.schema.json, which Helm refuses: %s", p)
				}
			}
		}
	}
	return findings
}

func (s *Schemas) chart(r release) *loadedChart {
	for _, c := range s.charts {
		if c.Repository == r.Repository && c.Name == r.Chart && c.Version == r.Version {
			return c
		}
	}
	return nil
}
