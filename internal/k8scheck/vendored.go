package k8scheck

import (
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// vendoredCharts holds the files of the charts whose source the Go module
// proxy does not serve (chart.Vendored, vendored/README.md).
//
//go:embed vendored
var vendoredCharts embed.FS

// loadVendoredChart reads a chart without a Go module from files (its
// Chart.yaml, values.yaml and, where VendoredBlobs lists one,
// values.schema.json under vendored/<c.Vendored>/): each file must be the
// one released (its git blob id is c.VendoredBlobs'), and the chart the
// name, version and app version the app installs. Such a chart has no
// CRDs.
func loadVendoredChart(c *chart, files fs.FS) (*loadedChart, map[schema.GroupVersionKind]*crdKind, error) {
	read := func(name string) ([]byte, error) {
		data, err := fs.ReadFile(files, path.Join("vendored", c.Vendored, name))
		if err != nil {
			return nil, err
		}
		want, ok := c.VendoredBlobs[name]
		if got := gitBlobID(data); !ok || got != want {
			return nil, fmt.Errorf("vendored/%s/%s is not the released file: its git blob id is %s, the chart repository's is %q: restore it from the chart's tag (internal/k8scheck/vendored/README.md)", c.Vendored, name, got, want)
		}
		return data, nil
	}
	data, err := read("Chart.yaml")
	if err != nil {
		return nil, nil, err
	}
	var meta struct{ Name, Version, AppVersion string }
	if err := yaml.Unmarshal(data, &meta); err != nil {
		return nil, nil, fmt.Errorf("vendored/%s/Chart.yaml: %w", c.Vendored, err)
	}
	if meta.Name != c.Name || meta.Version != c.Version || meta.AppVersion != c.AppVersion {
		return nil, nil, fmt.Errorf("vendored/%s holds chart %s %s (app %s), not %s %s (app %s)", c.Vendored, meta.Name, meta.Version, meta.AppVersion, c.Name, c.Version, c.AppVersion)
	}
	if data, err = read("values.yaml"); err != nil {
		return nil, nil, err
	}
	lc := &loadedChart{chart: c}
	if err := yaml.Unmarshal(data, &lc.values); err != nil {
		return nil, nil, fmt.Errorf("vendored/%s/values.yaml: %w", c.Vendored, err)
	}
	if _, ok := c.VendoredBlobs["values.schema.json"]; ok {
		if data, err = read("values.schema.json"); err != nil {
			return nil, nil, err
		}
		if lc.schema, err = compileValuesSchema(data); err != nil {
			return nil, nil, fmt.Errorf("vendored/%s/values.schema.json: %w", c.Vendored, err)
		}
	} else if _, err := fs.Stat(files, path.Join("vendored", c.Vendored, "values.schema.json")); err == nil {
		return nil, nil, fmt.Errorf("vendored/%s has a values.schema.json its chart record does not list: record its blob id, so that values are validated against it", c.Vendored)
	}
	return lc, map[schema.GroupVersionKind]*crdKind{}, nil
}

// gitBlobID is the id git gives a file's content: the SHA-1 of
// "blob <length>\x00" and the content, which `git rev-parse <tag>:<path>`
// prints in any clone of the chart's repository.
func gitBlobID(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// compileValuesSchema compiles a chart's values.schema.json, as Helm does
// to validate a release's values.
func compileValuesSchema(data []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if err != nil {
		return nil, err
	}
	comp := jsonschema.NewCompiler()
	if err := comp.AddResource("values.schema.json", doc); err != nil {
		return nil, err
	}
	return comp.Compile("values.schema.json")
}

// coalesce merges a release's values onto the chart's defaults as Helm
// does before validating them: maps merge key by key, anything else the
// release sets replaces the default, and a null removes it.
func coalesce(set, defaults map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range set {
		if v == nil {
			delete(out, k)
			continue
		}
		sm, setIsMap := v.(map[string]any)
		dm, defIsMap := out[k].(map[string]any)
		if setIsMap && defIsMap {
			out[k] = coalesce(sm, dm)
			continue
		}
		out[k] = v
	}
	return out
}

// validateValues reports each way values break the chart's schema, one line each.
func validateValues(schema *jsonschema.Schema, values map[string]any) []string {
	// The schema library takes values as encoding/json decodes them.
	data, err := json.Marshal(values)
	if err != nil {
		return []string{err.Error()}
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if err != nil {
		return []string{err.Error()}
	}
	err = schema.Validate(doc)
	if err == nil {
		return nil
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []string{err.Error()}
	}
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, fmt.Sprintf("%s: %s", "/"+strings.Join(e.InstanceLocation, "/"), e.Error()))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(verr)
	// The library reports an object's properties in map order: sorted, a
	// template's findings read the same in every run.
	slices.Sort(out)
	return out
}
