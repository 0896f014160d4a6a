package k8scheck

import (
	"slices"
	"testing"
)

func TestCheckValueKeys(t *testing.T) {
	declared := map[string]any{
		"clusterName":         nil,
		"image":               map[string]any{"repository": "x", "tag": ""},
		"podDisruptionBudget": map[string]any{},
		"tolerations":         []any{},
		"webhookConfig":       map[string]any{"failurePolicy": "Fail", "newKey": "x"},
	}
	for _, tc := range []struct {
		name        string
		set         map[string]any
		notDeclared []string
		want        []string
	}{
		{"declared keys", map[string]any{"clusterName": "a", "image": map[string]any{"tag": "v1"}}, nil, nil},
		{"free-form below an empty map", map[string]any{"podDisruptionBudget": map[string]any{"maxUnavailable": 1}}, nil, nil},
		{"free-form below null", map[string]any{"clusterName": map[string]any{"any": 1}}, nil, nil},
		{"an unknown key", map[string]any{"replicas": 2}, nil, []string{"replicas: not a value of the chart (its values.yaml declares no such key)"}},
		{"an unknown nested key", map[string]any{"image": map[string]any{"registry": "x"}}, nil, []string{"image.registry: not a value of the chart (its values.yaml declares no such key)"}},
		{"a key a later version added", map[string]any{"webhookConfig": map[string]any{"newKey": "y"}}, []string{"webhookConfig.newKey"}, []string{"webhookConfig.newKey: not a value of the chart (its values.yaml declares no such key)"}},
		{"a map for a scalar", map[string]any{"image": map[string]any{"tag": map[string]any{"a": 1}}}, nil, []string{"image.tag: the app sets a map where values.yaml has a scalar"}},
		{"a scalar for a map", map[string]any{"image": "x"}, nil, []string{"image: the app sets a scalar where values.yaml has a map"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkValueKeys(tc.set, declared, tc.notDeclared); !slices.Equal(got, tc.want) {
				t.Fatalf("checkValueKeys() = %q, want %q", got, tc.want)
			}
		})
	}
}
