package isolation

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ecplatform/eks-platform/internal/cfnsub"
)

// ref is a resource of the env: its stack and logical id.
type ref struct{ stack, id string }

func (r ref) String() string { return r.stack + "/" + r.id }

// placeholder is how a rendered value names the resource (a Ref); a
// GetAtt adds .Attr.
func (r ref) placeholder() string { return "<" + r.String() + ">" }

// resource is one resource of the env and the service that owns it.
type resource struct {
	ref
	typ   string
	props map[string]any
	// service owns the resource ("" for none); rest is its construct path
	// below Service-<name>/, e.g. Database/SecurityGroup/Resource.
	service, rest string
}

type export struct {
	stack string
	value any
}

// index is an env's resources, their owners and protected things.
type index struct {
	env       Env
	resources map[ref]*resource
	order     []*resource // by stack, then logical id
	exports   map[string]export
	report    Report

	// things are what the services own, byRef those a reference names.
	things []*thing
	byRef  map[ref][]*thing
	// roles are the roles services' pods act as, podSGs their pods'
	// security groups, by owner; dbSGs the security groups of services'
	// databases, with the services whose database each guards.
	roles  map[ref]string
	podSGs map[ref]string
	dbSGs  map[ref][]string
	// tables are each service's DynamoDB tables.
	tables map[string][]*resource
}

func newIndex(env Env) *index {
	x := &index{env: env, resources: map[ref]*resource{}, exports: map[string]export{},
		report: Report{Services: map[string]*ServiceCounts{}}}
	tmpls := slices.Clone(env.Templates)
	slices.SortFunc(tmpls, func(a, b Template) int { return strings.Compare(a.Stack, b.Stack) })
	for _, t := range tmpls {
		rs, _ := t.Body["Resources"].(map[string]any)
		ids := make([]string, 0, len(rs))
		for id := range rs {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			r, _ := rs[id].(map[string]any)
			typ, _ := r["Type"].(string)
			props, _ := r["Properties"].(map[string]any)
			path := t.Paths[id]
			if path == "" {
				md, _ := r["Metadata"].(map[string]any)
				path, _ = md["aws:cdk:path"].(string)
			}
			res := &resource{ref: ref{t.Stack, id}, typ: typ, props: props}
			res.service, res.rest = serviceOf(path)
			x.resources[res.ref] = res
			x.order = append(x.order, res)
			if res.service != "" && x.report.Services[res.service] == nil {
				x.report.Services[res.service] = &ServiceCounts{}
			}
		}
		outputs, _ := t.Body["Outputs"].(map[string]any)
		for _, o := range outputs {
			o, _ := o.(map[string]any)
			if e, ok := o["Export"].(map[string]any); ok {
				x.exports[x.render(t.Stack, e["Name"])] = export{t.Stack, o["Value"]}
			}
		}
	}
	x.indexThings()
	return x
}

// serviceOf reads the owning service from a construct path: the name of
// its Service-<name> step, and the path below it.
func serviceOf(path string) (service, rest string) {
	steps := strings.Split(path, "/")
	for i, s := range steps {
		if name, ok := strings.CutPrefix(s, "Service-"); ok && name != "" {
			return name, strings.Join(steps[i+1:], "/")
		}
	}
	return "", ""
}

var placeholderRef = regexp.MustCompile(`<([^<>/]+)/([^<>./]+)(\.[^<>]+)?>`)

// refsIn are the resources a rendered value names.
func refsIn(s string) []ref {
	var out []ref
	for _, m := range placeholderRef.FindAllStringSubmatch(s, -1) {
		out = append(out, ref{m[1], m[2]})
	}
	return out
}

// render turns a template value of stack into text, as
// catalogcheck.Render does, with every name made env-wide: a Ref shows as
// <stack/LogicalId>, a GetAtt as <stack/LogicalId.Attr>, an import as what
// its export names, pseudo parameters as the env's values. An intrinsic
// it cannot read (Fn::Select, Fn::If in a string...) renders as *, as
// broad as anything it could stand for.
func (x *index) render(stack string, v any) string { return x.renderDepth(stack, v, 0) }

func (x *index) renderDepth(stack string, v any, depth int) string {
	if depth > 8 {
		return "*"
	}
	switch v := v.(type) {
	case string:
		return v
	case float64, bool, int:
		return fmt.Sprint(v)
	case map[string]any:
		if len(v) != 1 {
			break
		}
		for fn, arg := range v {
			switch fn {
			case "Ref":
				name, _ := arg.(string)
				return x.named(stack, name)
			case "Fn::GetAtt":
				switch a := arg.(type) {
				case []any:
					if len(a) == 2 {
						return fmt.Sprintf("<%s/%v.%v>", stack, a[0], x.renderDepth(stack, a[1], depth+1))
					}
				case string:
					return fmt.Sprintf("<%s/%s>", stack, a)
				}
			case "Fn::ImportValue":
				name := x.renderDepth(stack, arg, depth+1)
				if e, ok := x.exports[name]; ok {
					return x.renderDepth(e.stack, e.value, depth+1)
				}
				return "<import:" + name + ">"
			case "Fn::Join":
				a, _ := arg.([]any)
				if len(a) != 2 {
					break
				}
				sep, _ := a[0].(string)
				items, _ := a[1].([]any)
				parts := make([]string, len(items))
				for i, p := range items {
					parts[i] = x.renderDepth(stack, p, depth+1)
				}
				return strings.Join(parts, sep)
			case "Fn::Sub":
				return x.sub(stack, arg, depth)
			}
		}
	}
	return "*"
}

// named is what a Ref to name renders as: a pseudo parameter's value, or
// the resource (or parameter) of the stack.
func (x *index) named(stack, name string) string {
	switch name {
	case "AWS::Region":
		return x.env.Region
	case "AWS::AccountId":
		return x.env.Account
	case "AWS::Partition":
		return x.env.Partition
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::StackName":
		return stack
	case "AWS::NoValue":
		return ""
	}
	if strings.HasPrefix(name, "AWS::") {
		return "*"
	}
	return ref{stack, name}.placeholder()
}

func (x *index) sub(stack string, arg any, depth int) string {
	return cfnsub.Expand(arg, func(name string, v any, bound bool) string {
		switch {
		case bound:
			return x.renderDepth(stack, v, depth+1)
		case strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::"):
			return fmt.Sprintf("<%s/%s>", stack, name)
		}
		return x.named(stack, name)
	})
}

// values renders a value that may be a list (or an Fn::If between two) as
// each of the strings it holds.
func (x *index) values(stack string, v any) []string {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, x.values(stack, e)...)
		}
		return out
	case map[string]any:
		if a, ok := v["Fn::If"].([]any); ok && len(v) == 1 && len(a) == 3 {
			return append(x.values(stack, a[1]), x.values(stack, a[2])...)
		}
	}
	return []string{x.render(stack, v)}
}

// arn is an ARN of the env's account and region.
func (x *index) arn(service, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", x.env.Partition, service, x.env.Region, x.env.Account, resource)
}

func (x *index) find(finding Finding) {
	finding.Env = x.env.Name
	x.report.Findings = append(x.report.Findings, finding)
}
