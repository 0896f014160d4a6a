package envs

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// source is what the loader learned of the file beyond the values: where
// each field is, and which fields are written with no value.
type source struct {
	// lines maps a field path (Path.String) to its line in the file.
	lines map[string]int
	// nulls are the paths written with an empty value (`field:`), which
	// YAML reads as null and the loader as unset.
	nulls map[string]bool
}

func newSource() *source { return &source{lines: map[string]int{}, nulls: map[string]bool{}} }

// lineOf is the line of path, or of its nearest ancestor present in the file.
func (src *source) lineOf(p *Path) int {
	if src == nil {
		return 0
	}
	for s := p; s != nil; s = s.parent {
		if n, ok := src.lines[s.String()]; ok {
			return n
		}
	}
	return 0
}

// fieldAt is the field a line of the file belongs to: the last field that
// starts at or before it (a value over several lines belongs to its field).
func (src *source) fieldAt(line int) *Path {
	var best string
	bestLine := 0
	for path, l := range src.lines {
		// Among fields on one line, the longest path is the innermost.
		if l > line || l < bestLine {
			continue
		}
		if l > bestLine || len(path) > len(best) || (len(path) == len(best) && path < best) {
			best, bestLine = path, l
		}
	}
	if best == "" {
		return nil
	}
	return renderedPath(best)
}

// sets reports whether the file gives the field at p a value.
func (src *source) sets(p *Path) bool {
	if src == nil {
		return false
	}
	_, ok := src.lines[p.String()]
	return ok && !src.nulls[p.String()]
}

// checkShape walks the YAML tree against the Go type it will be decoded
// into and reports every unknown key, duplicate key and wrong type with its
// path and line. The YAML decoder stops at the first such problem; this
// reports them all, in words a config author understands.
func checkShape(n ast.Node, t reflect.Type, p *Path, src *source, errs *ErrorList) {
	if n == nil {
		return
	}
	if p != nil {
		if _, seen := src.lines[p.String()]; !seen {
			src.lines[p.String()] = n.GetToken().Position.Line
		}
	}
	tag, ok := checkProperties(n, p, errs)
	if !ok {
		return
	}
	n = unwrap(n)
	if n == nil {
		return
	}
	if _, ok := n.(*ast.NullNode); ok {
		// An empty value is "unset": defaults apply and validation
		// reports it if required.
		src.nulls[p.String()] = true
		return
	}
	if detail := scalarProblem(n); detail != "" {
		errs.add(p, n, "%s %s", describe(n), detail)
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		values, ok := mappingValues(n)
		if !ok {
			errs.add(p, n, "must be a mapping of fields, got %s", describe(n))
			return
		}
		fields := structFields(t)
		seen := map[string]bool{}
		for _, mv := range values {
			key := keyString(mv.Key)
			child := childPath(p, key)
			line := mv.Key.GetToken().Position.Line
			src.lines[child.String()] = line
			f, known := fields[key]
			if _, ok := checkProperties(mv.Key, child, errs); !ok {
				continue
			}
			c, capped := capOf(t, key)
			switch {
			case key == mergeKey:
				errs.addLine(child, line, mergeKeyDetail)
			case !known:
				errs.addLine(child, line, "unknown field%s; known fields here: %s", suggest(key, fields), strings.Join(sortedKeys(fields), ", "))
			case seen[key]:
				errs.addLine(child, line, "duplicate field: remove one of the two")
			case capped && entries(mv.Value) > c.max:
				// Not read further: the cap bounds the work a file makes.
				seen[key] = true
				errs.addLine(child, line, "at most %d %s, got %d: %s", c.max, c.noun, entries(mv.Value), c.why)
			default:
				seen[key] = true
				checkShape(mv.Value, f.Type, child, src, errs)
			}
		}
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			errs.add(p, n, "must be a list, got %s", describe(n))
			return
		}
		for i, v := range seq.Values {
			checkShape(v, t.Elem(), p.Index(i), src, errs)
		}
	case reflect.Map:
		values, ok := mappingValues(n)
		if !ok {
			errs.add(p, n, "must be a mapping, got %s", describe(n))
			return
		}
		seen := map[string]bool{}
		for _, mv := range values {
			key := keyString(mv.Key)
			child := p.Key(key)
			src.lines[child.String()] = mv.Key.GetToken().Position.Line
			if _, ok := checkProperties(mv.Key, child, errs); !ok {
				continue
			}
			if detail := literalProblem(key); detail != "" {
				errs.addLine(child, mv.Key.GetToken().Position.Line, "key %q %s", key, detail)
				continue
			}
			if key == mergeKey {
				errs.addLine(child, mv.Key.GetToken().Position.Line, mergeKeyDetail)
				continue
			}
			if seen[key] {
				errs.addLine(child, mv.Key.GetToken().Position.Line, "duplicate key: remove one of the two")
				continue
			}
			seen[key] = true
			checkShape(mv.Value, t.Elem(), child, src, errs)
		}
	case reflect.String:
		switch n.(type) {
		case *ast.StringNode, *ast.LiteralNode:
		case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
			if tag != tagStr { // !!str 1.30 is the string "1.30"
				errs.add(p, n, "must be a string, got %s: quote it (%q)", describe(n), strings.TrimSpace(n.GetToken().Value))
			}
		default:
			errs.add(p, n, "must be a string, got %s: quote it (%q)", describe(n), strings.TrimSpace(n.GetToken().Value))
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if _, ok := n.(*ast.IntegerNode); !ok {
			errs.add(p, n, "must be a whole number, got %s", describe(n))
		}
	case reflect.Bool:
		if _, ok := n.(*ast.BoolNode); !ok {
			errs.add(p, n, "must be true or false, got %s", describe(n))
		}
	}
}

// mergeKey is YAML's merge key (<<: *anchor). It is refused: a merged
// mapping hides, in a reviewed diff, which values an env really gets.
const (
	mergeKey       = "<<"
	mergeKeyDetail = "YAML merge keys (<<) are not supported: write the fields out, so that the file shows every value a reviewer approves"
)

func (l *ErrorList) add(p *Path, n ast.Node, format string, args ...any) {
	l.addLine(p, n.GetToken().Position.Line, format, args...)
}

func (l *ErrorList) addLine(p *Path, line int, format string, args ...any) {
	*l = append(*l, &FieldError{Path: p, Line: line, Detail: fmt.Sprintf(format, args...)})
}

func childPath(p *Path, name string) *Path {
	if p == nil {
		return NewPath(name)
	}
	return p.Child(name)
}

// entries is the number of entries of a list or mapping, 0 for anything else.
func entries(n ast.Node) int {
	switch v := unwrap(n).(type) {
	case *ast.SequenceNode:
		return len(v.Values)
	case *ast.MappingNode:
		return len(v.Values)
	case *ast.MappingValueNode:
		return 1
	}
	return 0
}

// unwrap looks through tags, anchors and document wrappers to the value.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		case *ast.DocumentNode:
			n = v.Body
		default:
			return n
		}
	}
}

func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

func keyString(k ast.MapKeyNode) string {
	if s, ok := unwrap(k).(*ast.StringNode); ok {
		return s.Value
	}
	return k.GetToken().Value
}

func describe(n ast.Node) string {
	switch v := n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return fmt.Sprintf("string %q", v.GetToken().Value)
	case *ast.IntegerNode, *ast.FloatNode:
		return "number " + v.GetToken().Value
	case *ast.BoolNode:
		return "boolean " + v.GetToken().Value
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	}
	return n.Type().String()
}

// structFields maps each field's json name to the field.
func structFields(t reflect.Type) map[string]reflect.StructField {
	fields := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		fields[name] = f
	}
	return fields
}

// sortedKeys are a map's keys in order, for messages and checks that do
// not depend on map order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// suggest names the known field closest to a misspelt one.
func suggest(key string, fields map[string]reflect.StructField) string {
	best, bestDist := "", 3 // only close matches help; a far guess misleads
	for _, k := range sortedKeys(fields) {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
