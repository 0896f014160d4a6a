package k8scheck

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// Schemas are what objects are checked against besides the built-in kinds:
// the CRDs and values of the charts the check knows and the CRDs EKS keeps
// on every cluster, read from their pinned Go modules.
type Schemas struct {
	custom map[schema.GroupVersionKind]*crdKind
	charts []*loadedChart
}

// crdKind is a CRD version the check knows, with what puts the CRD into a
// cluster. Problem, if set, says why objects of it can't be checked (see
// chart.ModuleChartVersion).
type crdKind struct {
	*customKind
	Source  crdSource
	Problem string
}

// crdSource is what puts a CRD into a cluster: a release of the chart
// holding it (*chart), or EKS itself (*controlPlaneCRD).
type crdSource interface {
	fmt.Stringer
	// absentFrom says why cluster may lack the CRD named crd when the app
	// applies an object of it there, or "" when the cluster has it.
	absentFrom(cluster, crd string, releases []release) string
}

type loadedChart struct {
	*chart
	// values is the chart's values.yaml (below ValuesRoot); valuesProblem,
	// if set, says why the app's values can't be checked against it.
	values        map[string]any
	valuesProblem string
	// schema is the chart's values.schema.json, nil if it has none.
	schema *jsonschema.Schema
}

// LoadSchemas reads the charts and control-plane CRDs the check knows from
// the module cache; it fails, saying how to fix it, when go.mod no longer
// pins one's module at the version the check's records are for, or `make
// deps` has not fetched it.
func LoadSchemas() (*Schemas, error) {
	s := &Schemas{custom: map[schema.GroupVersionKind]*crdKind{}}
	var errs []error
	add := func(kinds map[schema.GroupVersionKind]*crdKind) {
		for gvk, k := range kinds {
			if prev, dup := s.custom[gvk]; dup {
				errs = append(errs, fmt.Errorf("%s is defined twice: by %s (CRD %s) and by %s (CRD %s)", gvk, prev.Source, prev.CRD, k.Source, k.CRD))
				continue
			}
			s.custom[gvk] = k
		}
	}
	for _, c := range charts {
		lc, kinds, err := loadChart(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c, err))
			continue
		}
		s.charts = append(s.charts, lc)
		add(kinds)
	}
	for _, c := range controlPlaneCRDs {
		kinds, err := loadControlPlaneCRD(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("CRD %s of %s: %w", c.Name, c, err))
			continue
		}
		add(kinds)
	}
	return s, errors.Join(errs...)
}

func loadChart(c *chart) (*loadedChart, map[schema.GroupVersionKind]*crdKind, error) {
	if c.Vendored != "" {
		return loadVendoredChart(c, vendoredCharts)
	}
	dir, version, err := moduleDir(c.Module, c.ModuleVersion)
	if err != nil {
		return nil, nil, err
	}
	if version != c.ModuleVersion {
		return nil, nil, fmt.Errorf("go.mod pins %s %s, but the check's records are for %s: re-take them from the new version's files (internal/k8scheck/charts.go)", c.Module, version, c.ModuleVersion)
	}
	dir = filepath.Join(dir, c.Dir)
	var meta struct{ Version string }
	if err := readYAML(filepath.Join(dir, "Chart.yaml"), &meta); err != nil {
		return nil, nil, err
	}
	if meta.Version != c.ModuleChartVersion {
		return nil, nil, fmt.Errorf("%s@%s holds chart %s, not %s", c.Module, version, meta.Version, c.ModuleChartVersion)
	}
	if _, err := os.Stat(filepath.Join(dir, "values.schema.json")); err == nil {
		return nil, nil, errors.New("the chart now has a values.schema.json: validate the app's values against it")
	}
	lc := &loadedChart{chart: c}
	if err := readYAML(filepath.Join(dir, "values.yaml"), &lc.values); err != nil {
		return nil, nil, err
	}
	if c.ModuleChartVersion != c.Version {
		keys := slices.DeleteFunc(valueKeyPaths(lc.values), func(k string) bool { return slices.Contains(c.ValuesKeysAdded, k) })
		if keysDigest(keys) != c.ValuesKeysDigest {
			lc.valuesProblem = fmt.Sprintf("values.yaml of chart %s less the keys it added are not chart %s's keys", meta.Version, c.Version)
		}
	}
	if c.ValuesRoot != "" {
		root, ok := lc.values[c.ValuesRoot].(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("values.yaml has no map %s, where the check expects the chart's values", c.ValuesRoot)
		}
		lc.values = root
	}
	files, err := filepath.Glob(filepath.Join(dir, "crds", "*.yaml"))
	if err != nil {
		return nil, nil, err
	}
	kinds := map[schema.GroupVersionKind]*crdKind{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		crds, err := readCRDs(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f, err)
		}
		for gvk, k := range crds {
			ck := &crdKind{customKind: k, Source: c}
			if c.ModuleChartVersion != c.Version && c.CRDDigests[k.CRD+"/"+gvk.Version] != k.Digest {
				ck.Problem = fmt.Sprintf("chart %s (the version go.mod can pin) has a schema for %s that chart %s lacks or has otherwise, so it can't be checked against what deploys",
					c.ModuleChartVersion, gvk.GroupVersion(), c.Version)
			}
			kinds[gvk] = ck
		}
	}
	return lc, kinds, nil
}

func readYAML(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
