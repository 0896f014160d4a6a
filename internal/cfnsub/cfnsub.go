// Package cfnsub expands Fn::Sub as CloudFormation reads it, for the checks
// that render templates offline (internal/isolation, internal/k8scheck).
package cfnsub

import "regexp"

// variable is ${Name} or ${!Literal} in an Fn::Sub template string.
var variable = regexp.MustCompile(`\$\{(!?)([^}]*)\}`)

// Expand renders Fn::Sub's argument: a template string, or a list of the
// template and its variable map. Each ${Name} becomes what resolve returns
// for it, given the map's value for Name when the map binds it (bound);
// ${!Literal} is the literal text ${Literal}, as CloudFormation writes it.
func Expand(arg any, resolve func(name string, value any, bound bool) string) string {
	tmpl, _ := arg.(string)
	vars := map[string]any{}
	if args, ok := arg.([]any); ok && len(args) == 2 {
		tmpl, _ = args[0].(string)
		vars, _ = args[1].(map[string]any)
	}
	return variable.ReplaceAllStringFunc(tmpl, func(m string) string {
		parts := variable.FindStringSubmatch(m)
		if parts[1] == "!" {
			return "${" + parts[2] + "}"
		}
		v, bound := vars[parts[2]]
		return resolve(parts[2], v, bound)
	})
}
