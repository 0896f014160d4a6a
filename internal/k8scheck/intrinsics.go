package k8scheck

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ecplatform/eks-platform/internal/cfnsub"
)

// render is the string a CloudFormation value becomes at deploy time, with
// each intrinsic the template alone can't resolve (Ref, Fn::GetAtt,
// Fn::ImportValue, ...) replaced by a placeholder. Manifests and Helm values
// are JSON text joined around such tokens, so the placeholder must keep the
// JSON intact and pass the checks a real value would: it is lowercase
// letters, digits and dashes, at most 63 characters (a valid DNS label and
// label value). What the token really resolves to is not known offline; a
// token inside a name or label is checked as if it resolved to a valid one.
func render(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = render(p)
		}
		return strings.Join(parts, ",")
	case map[string]any:
		if len(v) != 1 {
			return placeholder("object")
		}
		for fn, arg := range v {
			return renderIntrinsic(fn, arg)
		}
	}
	return placeholder("value")
}

// pseudoParameters are the Refs whose value is the same in every account.
var pseudoParameters = map[string]string{
	"AWS::Partition": "aws",
	"AWS::URLSuffix": "amazonaws.com",
	"AWS::NoValue":   "",
}

func renderIntrinsic(fn string, arg any) string {
	switch fn {
	case "Ref":
		name, _ := arg.(string)
		if v, ok := pseudoParameters[name]; ok {
			return v
		}
		return placeholder("ref-" + name)
	case "Fn::GetAtt":
		return placeholder("getatt-" + render(arg))
	case "Fn::ImportValue":
		return placeholder("import-" + render(arg))
	case "Fn::Join":
		args, _ := arg.([]any)
		if len(args) != 2 {
			return placeholder("join")
		}
		sep, _ := args[0].(string)
		parts, ok := args[1].([]any)
		if !ok {
			return placeholder("join")
		}
		out := make([]string, len(parts))
		for i, p := range parts {
			out[i] = render(p)
		}
		return strings.Join(out, sep)
	case "Fn::Sub":
		return renderSub(arg)
	case "Fn::Select":
		args, _ := arg.([]any)
		if len(args) == 2 {
			i, err := strconv.Atoi(render(args[0]))
			if list, ok := args[1].([]any); ok && err == nil && i >= 0 && i < len(list) {
				return render(list[i])
			}
		}
		return placeholder("select")
	case "Fn::If":
		// The condition is not known offline: the true branch is checked.
		args, _ := arg.([]any)
		if len(args) == 3 {
			return render(args[1])
		}
		return placeholder("if")
	case "Fn::Base64":
		return render(arg)
	}
	return placeholder(strings.TrimPrefix(fn, "Fn::"))
}

// renderSub renders Fn::Sub's template string: ${Name} from its variable
// map, else a placeholder; ${!Literal} is the literal ${Literal}.
func renderSub(arg any) string {
	return cfnsub.Expand(arg, func(name string, v any, bound bool) string {
		if bound {
			return render(v)
		}
		if v, ok := pseudoParameters[name]; ok {
			return v
		}
		return placeholder("sub-" + name)
	})
}

var notLabelChars = regexp.MustCompile(`[^a-z0-9]+`)

// placeholder is "cfn-" and what the token names, as a DNS label.
func placeholder(what string) string {
	s := "cfn-" + strings.Trim(notLabelChars.ReplaceAllString(strings.ToLower(what), "-"), "-")
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.TrimRight(s, "-")
}
