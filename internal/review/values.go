package review

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// ValueChange is one leaf of a property that changed: its path inside the
// property and the rendered old and new values ("" when absent).
type ValueChange struct {
	Path     string
	Old, New string
}

func (v ValueChange) String() string {
	old, new := v.Old, v.New
	if old == "" {
		old = "(none)"
	}
	if new == "" {
		new = "(none)"
	}
	if v.Path == "" {
		return old + " → " + new
	}
	return v.Path + ": " + old + " → " + new
}

// maxValueLen keeps one rendered value readable in a table cell.
const maxValueLen = 80

// leafChanges lists what differs between two values of a property, leaf
// by leaf (objects by key, lists by position), so that a reviewer reads
// "Weight: 10 → 100" instead of "Weight changed". Intrinsic functions are
// leaves, rendered short ({Ref: X} as <X>).
func leafChanges(path string, old, new any) []ValueChange {
	if reflect.DeepEqual(old, new) {
		return nil
	}
	om, oIsMap := old.(map[string]any)
	nm, nIsMap := new.(map[string]any)
	if oIsMap && nIsMap && !isIntrinsic(om) && !isIntrinsic(nm) {
		keys := map[string]bool{}
		for k := range om {
			keys[k] = true
		}
		for k := range nm {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []ValueChange
		for _, k := range sorted {
			out = append(out, leafChanges(join(path, k), om[k], nm[k])...)
		}
		return out
	}
	ol, oIsList := old.([]any)
	nl, nIsList := new.([]any)
	if oIsList && nIsList {
		if key := identityKey(ol, nl); key != "" {
			return keyedChanges(path, key, ol, nl)
		}
		var out []ValueChange
		for i := 0; i < max(len(ol), len(nl)); i++ {
			var o, n any
			if i < len(ol) {
				o = ol[i]
			}
			if i < len(nl) {
				n = nl[i]
			}
			out = append(out, leafChanges(path+"["+strconv.Itoa(i)+"]", o, n)...)
		}
		return out
	}
	return []ValueChange{{Path: path, Old: render(old), New: render(new)}}
}

// identityKeys name the list elements CloudFormation lists hold: WAF rules
// by Name, tags by Key, policy statements by Sid. A list whose elements all
// carry one of them is compared element by identity, not by position, so
// that removing one element does not show every later one as changed.
var identityKeys = []string{"Name", "Key", "Sid", "Id"}

func identityKey(lists ...[]any) string {
	for _, k := range identityKeys {
		if identifiedBy(k, lists...) {
			return k
		}
	}
	return ""
}

// identifiedBy reports whether every element of every list is an object
// with a distinct string at key.
func identifiedBy(key string, lists ...[]any) bool {
	for _, l := range lists {
		seen := map[string]bool{}
		for _, e := range l {
			m, ok := e.(map[string]any)
			if !ok {
				return false
			}
			v, ok := m[key].(string)
			if !ok || seen[v] {
				return false
			}
			seen[v] = true
		}
	}
	return true
}

// keyedChanges compares two lists element by element identity.
func keyedChanges(path, key string, old, new []any) []ValueChange {
	index := func(l []any) (map[string]any, []string) {
		m := map[string]any{}
		var order []string
		for _, e := range l {
			id := e.(map[string]any)[key].(string)
			order = append(order, id)
			m[id] = e
		}
		return m, order
	}
	om, oOrder := index(old)
	nm, nOrder := index(new)
	ids := append([]string{}, oOrder...)
	for _, id := range nOrder {
		if _, ok := om[id]; !ok {
			ids = append(ids, id)
		}
	}
	var out []ValueChange
	for _, id := range ids {
		out = append(out, leafChanges(path+"["+id+"]", om[id], nm[id])...)
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func isIntrinsic(m map[string]any) bool {
	if len(m) != 1 {
		return false
	}
	for k := range m {
		return k == "Ref" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// render is a value as a reviewer reads it, at most maxValueLen long.
func render(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		s = x
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			s = "<" + ref + ">"
		} else if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			s = fmt.Sprintf("<%v.%v>", ga[0], ga[1])
		} else if imp, ok := x["Fn::ImportValue"]; ok {
			s = fmt.Sprintf("<import %v>", render(imp))
		} else {
			b, _ := json.Marshal(x)
			s = string(b)
		}
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	if len(s) > maxValueLen {
		s = s[:maxValueLen-1] + "…"
	}
	return s
}
