package spec

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestEachPatternHasOneOwner reads the repository's Go sources (tests
// aside) and finds every regular expression compiled from a literal and
// every pattern a JSON Schema tag declares. A pattern written in two places
// drifts: each literal must be compiled in one place only, and each schema
// tag, which jsonschema can only read as text, must be the very pattern one
// of the Go checks compiles, so that the editor's schema and the loader
// refuse the same values.
func TestEachPatternHasOneOwner(t *testing.T) {
	compiled := map[string][]string{} // pattern -> places
	tags := map[string][]string{}
	fset := token.NewFileSet()
	for _, dir := range []string{"bin", "constructs", "envs", "internal", "spec", "stacks"} {
		err := filepath.WalkDir(filepath.Join("..", dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "testdata") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || len(n.Args) != 1 || (sel.Sel.Name != "MustCompile" && sel.Sel.Name != "Compile") {
						return true
					}
					if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "regexp" {
						return true
					}
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, err := strconv.Unquote(lit.Value)
						if err == nil {
							compiled[s] = append(compiled[s], fset.Position(lit.Pos()).String())
						}
					}
				case *ast.Field:
					if n.Tag == nil {
						return true
					}
					tag, err := strconv.Unquote(n.Tag.Value)
					if err != nil {
						return true
					}
					for _, part := range schemaTagParts(reflect.StructTag(tag).Get("jsonschema")) {
						if p, ok := strings.CutPrefix(part, "pattern="); ok {
							tags[p] = append(tags[p], fset.Position(n.Pos()).String())
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(compiled) < 20 || len(tags) < 5 {
		t.Fatalf("found %d compiled patterns and %d schema patterns: the walk missed the sources", len(compiled), len(tags))
	}
	for _, p := range sortedKeys(compiled) {
		if places := compiled[p]; len(places) > 1 {
			t.Errorf("pattern %s is compiled in %d places, %v: compile it once (spec/ where config and constructs share it) and call that", p, len(places), places)
		}
	}
	for _, p := range sortedKeys(tags) {
		if _, ok := compiled[p]; !ok {
			t.Errorf("schema pattern %s (%v) is no pattern the Go checks compile: the schema and the loader would accept different values", p, tags[p])
		}
	}
}

// schemaTagParts splits a jsonschema tag as github.com/invopop/jsonschema
// does: on commas, but a comma after a backslash belongs to the value (a
// pattern's {1,32} is written {1\\,32} in the tag).
func schemaTagParts(tag string) []string {
	var parts []string
	for _, p := range strings.Split(tag, ",") {
		if n := len(parts); n > 0 && strings.HasSuffix(parts[n-1], `\`) {
			parts[n-1] = strings.TrimSuffix(parts[n-1], `\`) + "," + p
			continue
		}
		parts = append(parts, p)
	}
	return parts
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return slices.Clip(keys)
}

// TestEachDefaultHasOneOwner: every default envs gives a field the file
// leaves out is a spec constant, and no construct writes the same default
// again as a number: a prop F defaulted to N where spec holds
// Default...F = N must use that constant. (A construct's own default with
// no config field, or another fact with the same name, is not flagged
// unless its value is the constant's too.)
func TestEachDefaultHasOneOwner(t *testing.T) {
	fset := token.NewFileSet()
	defaults := map[string]string{} // constant name -> value
	specFiles, _ := filepath.Glob("*.go")
	for _, name := range specFiles {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 1 && strings.Contains(vs.Names[0].Name, "Default") {
				if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.INT {
					defaults[vs.Names[0].Name] = lit.Value
				}
			}
			return true
		})
	}
	if len(defaults) < 10 {
		t.Fatalf("read %d defaults from spec/defaults.go", len(defaults))
	}

	// envs: the table of whole-number defaults names spec's constants.
	envDefaults, err := parser.ParseFile(fset, "../envs/defaults.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	ast.Inspect(envDefaults, func(n ast.Node) bool {
		table, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		if arr, ok := table.Type.(*ast.ArrayType); !ok || fmt.Sprint(arr.Elt) != "intDefault" {
			return true
		}
		for _, e := range table.Elts {
			row, ok := e.(*ast.CompositeLit)
			if !ok || len(row.Elts) != 3 {
				t.Errorf("%s: a row of the default table that is not {path, field, value}", fset.Position(e.Pos()))
				continue
			}
			rows++
			if !isSpecConstant(row.Elts[2]) {
				t.Errorf("%s: the default %s is not a spec constant", fset.Position(row.Pos()), types(row.Elts[2]))
			}
		}
		return false
	})
	if rows < 10 {
		t.Fatalf("found %d rows of envs' default table: the check checked nothing", rows)
	}

	// constructs: `if p.F == 0 { p.F = N }` where spec has Default...F = N.
	err = filepath.WalkDir("../constructs", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				return true
			}
			sel, ok := as.Lhs[0].(*ast.SelectorExpr)
			lit, isLit := as.Rhs[0].(*ast.BasicLit)
			if !ok || !isLit || lit.Kind != token.INT {
				return true
			}
			for name, v := range defaults {
				if strings.HasSuffix(name, sel.Sel.Name) && v == lit.Value {
					t.Errorf("%s: %s defaults to %s, the value of spec.%s: use the constant", fset.Position(lit.Pos()), sel.Sel.Name, lit.Value, name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// isSpecConstant reports whether e is spec.Name.
func isSpecConstant(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "spec"
}

// types names an expression for a message.
func types(e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		return lit.Value
	}
	return fmt.Sprintf("%T", e)
}
