package k8scheck

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// Schemas are what objects are checked against besides the built-in kinds:
// the CRDs and values of the charts the check knows, read from their
// pinned Go modules.
type Schemas struct {
	custom map[schema.GroupVersionKind]*chartKind
	charts []*loadedChart
}

// chartKind is a CRD version a chart installs. Problem, if set, says why
// objects of it can't be checked (see chart.ModuleChartVersion).
type chartKind struct {
	*customKind
	Chart   *chart
	Problem string
}

type loadedChart struct {
	*chart
	// values is the chart's values.yaml; valuesProblem, if set, says why
	// the app's values can't be checked against it.
	values        map[string]any
	valuesProblem string
}

// LoadSchemas reads the charts the check knows from the module cache; it
// fails, saying how to fix it, when go.mod no longer pins a chart module at
// the version the check's records are for, or `make deps` has not fetched
// it.
func LoadSchemas() (*Schemas, error) {
	s := &Schemas{custom: map[schema.GroupVersionKind]*chartKind{}}
	var errs []error
	for _, c := range charts {
		lc, kinds, err := loadChart(c)
		if err != nil {
			errs = append(errs, fmt.Errorf("chart %s %s: %w", c.Name, c.Version, err))
			continue
		}
		s.charts = append(s.charts, lc)
		for gvk, k := range kinds {
			s.custom[gvk] = k
		}
	}
	return s, errors.Join(errs...)
}

func loadChart(c *chart) (*loadedChart, map[schema.GroupVersionKind]*chartKind, error) {
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
	files, err := filepath.Glob(filepath.Join(dir, "crds", "*.yaml"))
	if err != nil {
		return nil, nil, err
	}
	kinds := map[schema.GroupVersionKind]*chartKind{}
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
			ck := &chartKind{customKind: k, Chart: c}
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
