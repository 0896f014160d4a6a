package k8scheck

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// checkValueKeys reports every key the app sets in a release's values that
// the chart does not declare in its values.yaml (declared), at any depth:
// a misspelt or removed key is ignored by Helm without a word, so the
// setting silently does nothing. A declared value that is null or an empty
// map ({}) is free-form: its keys are the chart user's (e.g.
// podDisruptionBudget, which the chart copies into the PDB's spec), so
// nothing below it is checked. A key in notDeclared is reported as unknown
// even if declared holds it (keys a later chart version added).
func checkValueKeys(set, declared map[string]any, notDeclared []string) []string {
	return valueKeyProblems("", set, declared, notDeclared)
}

func valueKeyProblems(prefix string, set, declared map[string]any, notDeclared []string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(set)) {
		path := prefix + k
		d, ok := declared[k]
		if !ok || slices.Contains(notDeclared, path) {
			out = append(out, fmt.Sprintf("%s: not a value of the chart (its values.yaml declares no such key)", path))
			continue
		}
		sub, setIsMap := set[k].(map[string]any)
		dsub, declaredIsMap := d.(map[string]any)
		switch {
		case d == nil || (declaredIsMap && len(dsub) == 0):
			// free-form
		case setIsMap && declaredIsMap:
			out = append(out, valueKeyProblems(path+".", sub, dsub, notDeclared)...)
		case setIsMap != declaredIsMap:
			out = append(out, fmt.Sprintf("%s: the app sets %s where values.yaml has %s", path, shape(set[k]), shape(d)))
		}
	}
	return out
}

func shape(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	}
	return "a scalar"
}

// valueKeyPaths lists every key path of a values tree (maps only, not into
// lists), sorted: image, image.repository, image.tag, ...
func valueKeyPaths(values map[string]any) []string {
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			out = append(out, prefix+k)
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
			}
		}
	}
	walk("", values)
	slices.Sort(out)
	return out
}

// keysDigest is the SHA-256 of sorted key paths, one a line.
func keysDigest(paths []string) string {
	sum := sha256.Sum256([]byte(strings.Join(paths, "\n")))
	return hex.EncodeToString(sum[:])
}
