package cfnschema

import (
	"fmt"
	"sort"
	"strings"
)

func keySet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// caseTwin is the known name that differs from name only in case:
// CloudFormation's names are case-sensitive, and a case slip is the usual
// mistake (camelCase where the schema has PascalCase).
func caseTwin[V any](name string, known map[string]V) (string, bool) {
	for _, k := range sortedKeys(known) {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// didYouMean is " (did you mean X?)" for name's case twin, or "".
func didYouMean[V any](name string, known map[string]V) string {
	if k, ok := caseTwin(name, known); ok {
		return fmt.Sprintf(" (did you mean %s?)", k)
	}
	return ""
}
