package cfnschema

import (
	"encoding/json"
	"strconv"
	"strings"
)

// intrinsic returns the function and argument of an intrinsic function
// call: an object of one key, Ref or Fn::*.
func intrinsic(v any) (fn string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, a, true
		}
	}
	return "", nil, false
}

// isNoValue reports whether v is {"Ref": "AWS::NoValue"}: the property is
// left out.
func isNoValue(v any) bool {
	fn, arg, ok := intrinsic(v)
	return ok && fn == "Ref" && arg == "AWS::NoValue"
}

// produced stands for a value known only at deploy time: the result of an
// intrinsic function (by), of type typ.
type produced struct {
	typ Type
	by  string
}

var (
	anyType      = Type{Kind: "any"}
	stringType   = Type{Kind: "string"}
	stringList   = Type{Kind: "array", Element: &stringType}
	integerType  = Type{Kind: "integer"}
	booleanType  = Type{Kind: "boolean"}
	pseudoParams = map[string]Type{
		"AWS::AccountId": stringType, "AWS::NotificationARNs": stringList, "AWS::Partition": stringType,
		"AWS::Region": stringType, "AWS::StackId": stringType, "AWS::StackName": stringType, "AWS::URLSuffix": stringType,
	}
)

// expand calls check with every literal value v stands for, and checks
// every deploy-time result v stands for against want. A literal is v
// itself; an intrinsic function stands for its results: both branches of
// Fn::If, the values of the mapping Fn::FindInMap reads, or a value of the
// type the function returns.
func (c *checker) expand(path string, v any, want Type, check func(any)) {
	fn, arg, ok := intrinsic(v)
	if !ok {
		check(v)
		return
	}
	for _, r := range c.resolve(path, fn, arg) {
		if p, ok := r.(produced); ok {
			if !compatible(want, p.typ) {
				c.report(path, "%s gives %s, the schema wants %s", p.by, c.describe(p.typ), c.describe(want))
			}
			continue
		}
		c.expand(path, r, want, check)
	}
}

// resolve returns what the call fn(arg) stands for: literal values and
// produced results. {"Ref": "AWS::NoValue"} stands for nothing.
func (c *checker) resolve(path, fn string, arg any) []any {
	typed := func(t Type) []any { return []any{produced{typ: t, by: fn}} }
	switch fn {
	case "Ref":
		return c.resolveRef(path, arg)
	case "Fn::GetAtt":
		return []any{c.resolveGetAtt(path, arg)}
	case "Fn::If":
		args, ok := arg.([]any)
		if !ok || len(args) != 3 {
			c.report(path, "Fn::If takes [condition, value if true, value if false], got %s", describeValue(arg))
			return typed(anyType)
		}
		if name, _ := args[0].(string); c.conditions[name] == nil {
			c.report(path, "Fn::If names no condition of the template's Conditions: %s", describeValue(args[0]))
		}
		return args[1:]
	case "Fn::Join", "Fn::Sub", "Fn::Base64", "Fn::ImportValue", "Fn::ToJsonString":
		return typed(stringType)
	case "Fn::GetAZs", "Fn::Split", "Fn::Cidr":
		return typed(stringList)
	case "Fn::Length":
		return typed(integerType)
	case "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not":
		return typed(booleanType)
	case "Fn::FindInMap":
		return c.resolveFindInMap(path, arg)
	case "Fn::Select":
		return c.resolveSelect(path, arg)
	case "Fn::Transform":
		return typed(anyType)
	}
	if !c.transformed {
		c.report(path, "%s is not an intrinsic function CloudFormation knows", fn)
	}
	return typed(anyType)
}

func (c *checker) resolveRef(path string, arg any) []any {
	name, ok := arg.(string)
	if !ok {
		c.report(path, "Ref takes a logical id, parameter or pseudo parameter name, got %s", describeValue(arg))
		return []any{produced{typ: anyType, by: "Ref"}}
	}
	by := "Ref " + name
	if name == "AWS::NoValue" {
		return nil
	}
	if t, ok := pseudoParams[name]; ok {
		return []any{produced{typ: t, by: by}}
	}
	if p, ok := c.parameters[name].(map[string]any); ok {
		// List<...>, CommaDelimitedList and their SSM forms are lists;
		// every other parameter type is a string.
		pt, _ := p["Type"].(string)
		if strings.Contains(pt, "List<") || strings.Contains(pt, "CommaDelimitedList") {
			return []any{produced{typ: stringList, by: by + " (" + pt + ")"}}
		}
		return []any{produced{typ: stringType, by: by}}
	}
	if _, ok := c.resources[name]; ok {
		return []any{produced{typ: stringType, by: by}}
	}
	if !c.transformed {
		c.report(path, "Ref %s names no parameter, resource or pseudo parameter of the template", name)
	}
	return []any{produced{typ: anyType, by: by}}
}

// resolveGetAtt types Fn::GetAtt by the attribute's type in the schemas.
func (c *checker) resolveGetAtt(path string, arg any) produced {
	var res, attr string
	switch a := arg.(type) {
	case string:
		res, attr, _ = strings.Cut(a, ".")
	case []any:
		if len(a) == 2 {
			res, _ = a[0].(string)
			attr, _ = a[1].(string) // not a string: an intrinsic, any attribute
		}
	}
	by := "Fn::GetAtt " + res + "." + attr
	if res == "" {
		c.report(path, "Fn::GetAtt takes [logical id, attribute], got %s", describeValue(arg))
		return produced{typ: anyType, by: "Fn::GetAtt"}
	}
	r, ok := c.resources[res].(map[string]any)
	if !ok {
		c.report(path, "%s: %s is not a resource of the template", by, res)
		return produced{typ: anyType, by: by}
	}
	typ, _ := r["Type"].(string)
	spec, known := c.spec.Resources[typ]
	if !known || attr == "" || typ == "AWS::CloudFormation::CustomResource" {
		return produced{typ: anyType, by: by}
	}
	if a, ok := spec.Attributes[attr]; ok {
		return produced{typ: a.Type, by: by}
	}
	// An attribute below one of type json (a nested stack's Outputs.Name)
	// is anything.
	for p := attr; strings.Contains(p, "."); {
		p = p[:strings.LastIndex(p, ".")]
		if a, ok := spec.Attributes[p]; ok && (a.Type.Kind == "json" || a.Type.Kind == "map") {
			return produced{typ: anyType, by: by}
		}
	}
	c.report(path, "%s: %s has no attribute %s%s", by, typ, attr, didYouMean(attr, spec.Attributes))
	return produced{typ: anyType, by: by}
}

// resolveFindInMap returns the mapping values Fn::FindInMap can read: one
// for literal keys, every value at that level for a key known only at
// deploy time (a Ref to AWS::Region).
func (c *checker) resolveFindInMap(path string, arg any) []any {
	unknown := []any{produced{typ: anyType, by: "Fn::FindInMap"}}
	args, ok := arg.([]any)
	if !ok || len(args) < 3 {
		c.report(path, "Fn::FindInMap takes [mapping, top-level key, second-level key], got %s", describeValue(arg))
		return unknown
	}
	name, ok := args[0].(string)
	if !ok {
		return unknown
	}
	mapping, ok := c.mappings[name].(map[string]any)
	if !ok {
		c.report(path, "Fn::FindInMap: the template has no mapping %s", name)
		return unknown
	}
	pick := func(m map[string]any, key any) []any {
		if k, ok := key.(string); ok {
			if v, ok := m[k]; ok {
				return []any{v}
			}
			return nil
		}
		var all []any
		for _, k := range sortedKeys(m) {
			all = append(all, m[k])
		}
		return all
	}
	var values []any
	for _, top := range pick(mapping, args[1]) {
		if second, ok := top.(map[string]any); ok {
			values = append(values, pick(second, args[2])...)
		}
	}
	if len(values) == 0 {
		if len(args) == 4 { // AWS::LanguageExtensions' DefaultValue
			return args[3:]
		}
		c.report(path, "Fn::FindInMap: mapping %s has no value at %s/%s", name, describeValue(args[1]), describeValue(args[2]))
		return unknown
	}
	return values
}

// resolveSelect returns what Fn::Select can pick: one element of a literal
// list at a literal index, any of them otherwise, or an element of the
// type a function's list result has.
func (c *checker) resolveSelect(path string, arg any) []any {
	args, ok := arg.([]any)
	if !ok || len(args) != 2 {
		c.report(path, "Fn::Select takes [index, list], got %s", describeValue(arg))
		return []any{produced{typ: anyType, by: "Fn::Select"}}
	}
	index, literalIndex := selectIndex(args[0])
	var out []any
	var lists []any
	if fn, a, ok := intrinsic(args[1]); ok {
		lists = c.resolve(path, fn, a)
	} else {
		lists = []any{args[1]}
	}
	for _, l := range lists {
		switch list := l.(type) {
		case produced:
			if list.typ.Kind == "array" {
				out = append(out, produced{typ: *list.typ.Element, by: "Fn::Select of " + list.by})
			} else {
				out = append(out, produced{typ: anyType, by: "Fn::Select of " + list.by})
			}
		case []any:
			if !literalIndex {
				out = append(out, list...)
			} else if index < 0 || index >= len(list) {
				c.report(path, "Fn::Select: index %d is outside the list of %d", index, len(list))
			} else {
				out = append(out, list[index])
			}
		default:
			out = append(out, produced{typ: anyType, by: "Fn::Select"})
		}
	}
	return out
}

func selectIndex(v any) (int, bool) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = x
	default:
		return 0, false
	}
	i, err := strconv.Atoi(text)
	return i, err == nil
}
