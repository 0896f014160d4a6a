package envs

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// The YAML core schema's tags: the only ones an env file may write, since
// they name what the value already is. Any other tag makes the parser read
// the value as something else than its text (!!binary decodes base64), so
// a reviewer would approve one value and AWS get another.
const tagStr = "!!str"

var coreTags = []string{tagStr, "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map"}

// Anchors and aliases are refused like merge keys: a value written once and
// repeated elsewhere by an alias is not in the diff of the places that use
// it, and aliases of aliases expand exponentially (a 13 KB file can stand
// for a billion taints). Refused, they are never expanded.
const aliasDetail = "write the value out where it applies, so that a reviewed diff shows every value the env gets"

// checkProperties refuses what YAML puts before a value (an anchor, a tag
// outside the core schema) or in its place (an alias), and returns the
// value's core tag, if any. ok is false if n was refused: it is not read
// further.
func checkProperties(n ast.Node, p *Path, errs *ErrorList) (tag string, ok bool) {
	ok = true
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			errs.add(p, v, "YAML anchors (&%s) are not supported: %s", anchorName(v), aliasDetail)
			ok = false
			n = v.Value
		case *ast.AliasNode:
			errs.add(p, v, "YAML aliases (*%s) are not supported: %s (and aliases of aliases can make a few KB stand for billions of values)", aliasName(v), aliasDetail)
			return tag, false
		case *ast.TagNode:
			t := v.Start.Value
			if !slices.Contains(coreTags, t) {
				errs.add(p, v, "YAML tag %s is not supported%s: write the value as plain text, so that the file shows what AWS gets; only the core tags %s are read", t, decodedHint(t, v.Value), strings.Join(coreTags, ", "))
				return tag, false
			}
			tag = t
			n = v.Value
		default:
			return tag, ok
		}
	}
}

func anchorName(a *ast.AnchorNode) string {
	if a.Name != nil {
		return a.Name.GetToken().Value
	}
	return ""
}

func aliasName(a *ast.AliasNode) string {
	if a.Value != nil {
		return a.Value.GetToken().Value
	}
	return ""
}

// decodedHint shows what a !!binary value stands for, when it is text: the
// reason such a tag is refused, made visible.
func decodedHint(tag string, n ast.Node) string {
	if tag != "!!binary" || n == nil {
		return ""
	}
	text := strings.Join(strings.Fields(scalarText(n)), "")
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil || !utf8.Valid(b) || len(b) > 256 || strings.IndexFunc(string(b), func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return ""
	}
	return fmt.Sprintf(" (this one decodes to %q)", b)
}

// scalarText is the text of a string or block scalar.
func scalarText(n ast.Node) string {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value
		}
	}
	return n.GetToken().Value
}

// scalarProblem says why a scalar would not reach AWS as written (a CDK
// token, a dynamic reference), or "" if it would.
func scalarProblem(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return literalProblem(scalarText(n))
	case *ast.FloatNode, *ast.IntegerNode:
		return numberProblem(n.GetToken().Value)
	}
	return ""
}

// withoutTags removes the core tags of the document n, the shape check
// having matched each value with its Go type: a core tag says nothing
// more, and the YAML decoder mishandles some (!!int 1 into an int, !!map).
// A !!str number or boolean becomes the string it is written as.
func withoutTags(n ast.Node) ast.Node {
	switch v := n.(type) {
	case *ast.TagNode:
		if v.Value == nil {
			return ast.Null(v.Start)
		}
		inner := withoutTags(v.Value)
		if v.Start.Value == tagStr {
			switch inner.(type) {
			case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
				return ast.String(inner.GetToken())
			}
		}
		return inner
	case *ast.MappingNode:
		for _, mv := range v.Values {
			withoutTags(mv)
		}
	case *ast.MappingValueNode:
		if k, ok := withoutTags(v.Key).(ast.MapKeyNode); ok {
			v.Key = k
		}
		v.Value = withoutTags(v.Value)
	case *ast.SequenceNode:
		for i, e := range v.Values {
			v.Values[i] = withoutTags(e)
		}
	}
	return n
}
