package envs

import (
	"reflect"
	"testing"
)

// TestEveryListHasACap: a list or map field without a cap would let one
// file make validation and synth do unbounded work; a cap on a field that
// does not exist would cap nothing.
func TestEveryListHasACap(t *testing.T) {
	seen := map[reflect.Type]bool{}
	used := map[reflect.Type]map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		for name, f := range structFields(typ) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map {
				if _, ok := capOf(typ, name); !ok {
					t.Errorf("%s.%s is a list or map without a cap in listCaps", typ.Name(), name)
				}
				if used[typ] == nil {
					used[typ] = map[string]bool{}
				}
				used[typ][name] = true
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				walk(ft)
			}
		}
	}
	walk(reflect.TypeFor[Config]())
	for typ, fields := range listCaps {
		for name, c := range fields {
			if !used[typ][name] {
				t.Errorf("listCaps has %s.%s, which is not a list or map field of Config", typ.Name(), name)
			}
			if c.max < 1 || c.noun == "" || c.why == "" {
				t.Errorf("listCaps[%s][%s] = %+v: want a positive cap, a noun and a reason", typ.Name(), name, c)
			}
		}
	}
}
