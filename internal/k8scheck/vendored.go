package k8scheck

import (
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// vendoredCharts holds the files of the charts whose source no Go module
// the proxy serves holds (chart.Vendored).
//
//go:embed vendored
var vendoredCharts embed.FS

// readVendored reads a vendored chart's file and checks it is the file
// VendoredFrom names: its git blob id, which any clone of the chart's
// repository shows (`git rev-parse <tag>:<path>`).
func readVendored(c *chart, name string) ([]byte, error) {
	data, err := vendoredCharts.ReadFile(path.Join("vendored", c.Vendored, name))
	if err != nil {
		return nil, err
	}
	id := gitBlobID(data)
	for _, rec := range strings.Split(c.VendoredFrom, ", ") {
		if f, want, ok := strings.Cut(rec, " "); ok && f == name {
			if id != want {
				return nil, fmt.Errorf("vendored/%s/%s is blob %s, not %s, the file of chart %s: restore it from the chart's tag", c.Vendored, name, id, want, c.Version)
			}
			return data, nil
		}
	}
	return nil, fmt.Errorf("vendored/%s/%s: VendoredFrom records no blob id for it", c.Vendored, name)
}

// gitBlobID is git's object id of a file's content.
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
	return out
}
