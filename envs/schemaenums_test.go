package envs

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/spec"
)

// TestSchemaEnumsMatchSpec: the schema's enums are written in struct tags
// (jsonschema reads no Go values), so each one that lists a spec table is
// checked against it here; editors then offer exactly what validation
// accepts.
func TestSchemaEnumsMatchSpec(t *testing.T) {
	var amiTypes []string
	for _, a := range spec.AmiTypes {
		amiTypes = append(amiTypes, a.Name)
	}
	for _, tc := range []struct {
		owner any
		field string
		want  []string
	}{
		{NodeGroup{}, "AmiType", amiTypes},
		{Waf{}, "RateWindowSeconds", decimals(spec.RateWindows)},
		{Datadog{}, "Site", spec.DatadogSites},
		{AlertingLogs{}, "Levels", spec.Levels},
		{LogAlarm{}, "Level", spec.Levels},
		{Falco{}, "MinPriority", spec.FalcoPriorities},
	} {
		name := reflect.TypeOf(tc.owner).Name() + "." + tc.field
		t.Run(name, func(t *testing.T) {
			f, ok := reflect.TypeOf(tc.owner).FieldByName(tc.field)
			if !ok {
				t.Fatalf("no field %s", name)
			}
			var enum []string
			for _, kv := range strings.Split(f.Tag.Get("jsonschema"), ",") {
				if v, isEnum := strings.CutPrefix(kv, "enum="); isEnum {
					enum = append(enum, v)
				}
			}
			if !slices.Equal(enum, tc.want) {
				t.Errorf("jsonschema enum %v, spec has %v: update the tag, then make schema", enum, tc.want)
			}
		})
	}
}

// decimals are ns as the tags write them.
func decimals(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprint(n)
	}
	return out
}
