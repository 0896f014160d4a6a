package cfnsub

import (
	"fmt"
	"testing"
)

func TestExpand(t *testing.T) {
	resolve := func(name string, v any, bound bool) string {
		if bound {
			return fmt.Sprint(v)
		}
		return "<" + name + ">"
	}
	for _, tc := range []struct {
		name string
		arg  any
		want string
	}{
		{"plain string", "arn:${AWS::Partition}:s3:::${Bucket}/*", "arn:<AWS::Partition>:s3:::<Bucket>/*"},
		{"bound variable", []any{"${Name}-logs", map[string]any{"Name": "prd"}}, "prd-logs"},
		{"a literal ${!...}", "echo ${!HOME} ${Stack.Output}", "echo ${HOME} <Stack.Output>"},
		{"no variables", "plain", "plain"},
		{"not a template", 42, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Expand(tc.arg, resolve); got != tc.want {
				t.Errorf("Expand(%v) = %q, want %q", tc.arg, got, tc.want)
			}
		})
	}
}
