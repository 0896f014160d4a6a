package cfnschema

import (
	"fmt"
)

// tagProperties are the properties of the database's tag type.
var tagProperties = map[string]Property{
	"Key":   {Type: Type{Kind: "string"}, Required: true},
	"Value": {Type: Type{Kind: "string"}, Required: true},
}

// objectKind is the type checkProperties wants of an intrinsic function
// standing for a whole object.
var objectKind = Type{Kind: "ref"}

// checkProperties checks an object against the properties of its type
// (name, for messages): every key known, every required one present, every
// value of its type. present is false when the object is absent altogether.
func (c *checker) checkProperties(path string, v any, present bool, props map[string]Property, name string) {
	c.checkObject(path, v, present, props, name, false)
}

// checkObject is checkProperties; open objects (a custom resource's
// properties) take keys the schema does not list, unchecked.
func (c *checker) checkObject(path string, v any, present bool, props map[string]Property, name string, open bool) {
	if !present {
		c.checkRequired(path, map[string]any{}, props, name)
		return
	}
	c.expand(path, v, objectKind, func(v any) {
		obj, ok := v.(map[string]any)
		if !ok {
			c.report(path, "want an object, got %s", describeValue(v))
			return
		}
		for _, k := range sortedKeys(obj) {
			p, known := props[k]
			if !known && open {
				continue
			}
			if !known {
				hint := didYouMean(k, props)
				if hint == "" {
					hint = knownNames(props)
				}
				c.report(path+"."+k, "unknown property %s of %s%s", k, c.typeName(name), hint)
				continue
			}
			c.checkProperty(path+"."+k, obj[k], p)
		}
		c.checkRequired(path, obj, props, name)
	})
}

// checkRequired reports the required properties obj lacks or leaves out
// with AWS::NoValue.
func (c *checker) checkRequired(path string, obj map[string]any, props map[string]Property, name string) {
	for _, k := range sortedKeys(props) {
		if !props[k].Required {
			continue
		}
		if v, ok := obj[k]; !ok || isNoValue(v) {
			c.report(path+"."+k, "missing required property %s of %s", k, c.typeName(name))
		}
	}
}

// checkProperty checks one property's value against its type. A value the
// current type rejects but an older typing accepted is still a finding;
// the note says why aws-cdk-lib may have emitted it.
func (c *checker) checkProperty(path string, v any, p Property) {
	start := len(c.findings)
	c.checkValue(path, v, p.Type)
	if len(c.findings) == start {
		return
	}
	for _, prev := range p.PreviousTypes {
		if c.accepts(path, v, prev) {
			note := fmt.Sprintf(" (older aws-cdk-lib typings of %s as %s accepted this; CloudFormation checks the current schema)", lastSegment(path), c.describe(prev))
			for i := start; i < len(c.findings); i++ {
				c.findings[i].Message += note
			}
			return
		}
	}
}

// accepts reports whether v is of type t, without keeping the findings.
func (c *checker) accepts(path string, v any, t Type) bool {
	start := len(c.findings)
	c.checkValue(path, v, t)
	ok := len(c.findings) == start
	c.findings = c.findings[:start]
	return ok
}

// checkValue checks one value against type t.
func (c *checker) checkValue(path string, v any, t Type) {
	if t.Kind == "union" {
		c.checkUnion(path, v, t)
		return
	}
	c.expand(path, v, t, func(v any) {
		if v == nil {
			c.report(path, "null is not allowed in a template: leave the property out")
			return
		}
		switch t.Kind {
		case "json":
			c.checkNoNulls(path, v)
		case "string", "date-time", "integer", "number", "boolean":
			if !scalarOf(t.Kind, v) {
				c.report(path, "want %s, got %s", c.describe(t), describeValue(v))
			}
		case "array":
			list, ok := v.([]any)
			if !ok {
				c.report(path, "want %s, got %s", c.describe(t), describeValue(v))
				return
			}
			for i, e := range list {
				c.checkValue(fmt.Sprintf("%s[%d]", path, i), e, *t.Element)
			}
		case "map":
			m, ok := v.(map[string]any)
			if !ok {
				c.report(path, "want %s, got %s", c.describe(t), describeValue(v))
				return
			}
			for _, k := range sortedKeys(m) {
				c.checkValue(path+"."+k, m[k], *t.Element)
			}
		case "tag":
			c.checkProperties(path, v, true, tagProperties, "Tag")
		case "ref":
			obj := c.spec.Objects[t.Reference.ID]
			if obj == nil {
				c.report(path, "the schema names an object type it does not define: %s", t.Reference.ID)
				return
			}
			c.checkProperties(path, v, true, obj.Properties, "#"+obj.ID)
		default:
			c.report(path, "the schema has a type this checker does not know: %q", t.Kind)
		}
	})
}

// checkNoNulls reports the nulls inside a json value (a policy document):
// CloudFormation rejects a template with a null anywhere.
func (c *checker) checkNoNulls(path string, v any) {
	switch x := v.(type) {
	case nil:
		c.report(path, "null is not allowed in a template: leave the key out")
	case []any:
		for i, e := range x {
			c.checkNoNulls(fmt.Sprintf("%s[%d]", path, i), e)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			c.checkNoNulls(path+"."+k, x[k])
		}
	}
}

// checkUnion accepts v if any member type does; otherwise it reports the
// findings of the member v comes closest to.
func (c *checker) checkUnion(path string, v any, t Type) {
	start := len(c.findings)
	var best []Finding
	for _, m := range t.Types {
		c.checkValue(path, v, m)
		got := c.findings[start:]
		if len(got) == 0 {
			return
		}
		if best == nil || len(got) < len(best) {
			best = append([]Finding(nil), got...)
		}
		c.findings = c.findings[:start]
	}
	if len(best) == 1 && best[0].Path == path {
		best[0].Message = fmt.Sprintf("want %s, got %s", c.describe(t), describeValue(v))
	}
	c.findings = append(c.findings, best...)
}
