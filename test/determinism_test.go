package test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// A synth must give the same bytes every time: the templates list
// resources in the order the app makes them, and a review, a validated-
// template record or a golden diff that changes from run to run for no
// change is noise nobody can trust. Go ranges over a map in a random
// order, so a loop over a map literal (a fixed list of pairs, written as
// a map) makes things, or reports problems, in a different order on each
// run: the monitoring stack's ALB alarms did. A fixed list is a slice.
// (Loops over maps that come from config sort their keys first.)
func TestNoLoopOverAMapLiteral(t *testing.T) {
	fset := token.NewFileSet()
	found := 0
	for _, dir := range []string{"../bin", "../constructs", "../envs", "../internal", "../spec", "../stacks"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			found++
			ast.Inspect(f, func(n ast.Node) bool {
				if r, ok := n.(*ast.RangeStmt); ok {
					if lit, ok := r.X.(*ast.CompositeLit); ok {
						if _, isMap := lit.Type.(*ast.MapType); isMap {
							t.Errorf("%s: a loop over a map literal runs in a random order: use a slice", fset.Position(r.Pos()))
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
	if found < 100 {
		t.Fatalf("read only %d Go files", found)
	}
}
