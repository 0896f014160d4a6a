package validationreport

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// moduleRoot is the module's root, from this package's directory.
const moduleRoot = "../.."

// TestAcknowledgementsNameTheirProof: every acknowledgement has a reason, a
// valid construct pattern, and names a Go test that exists, the proof that
// the final template is right for the finding it accepts.
func TestAcknowledgementsNameTheirProof(t *testing.T) {
	for _, a := range Acknowledged {
		t.Run(a.Rule+" "+a.Construct, func(t *testing.T) {
			if a.Rule == "" || a.Property == "" || a.Reason == "" {
				t.Errorf("%+v: rule, property and reason are all required", a)
			}
			if _, err := path.Match(a.Construct, ""); err != nil || a.Construct == "" {
				t.Errorf("construct pattern %q: %v", a.Construct, err)
			}
			dir, name, ok := strings.Cut(a.Test, ".")
			if !ok {
				t.Fatalf("test %q: want <package dir>.<TestName>", a.Test)
			}
			if !hasTest(t, filepath.Join(moduleRoot, dir), name) {
				t.Errorf("test %q: no func %s(t *testing.T) in %s/*_test.go", a.Test, name, dir)
			}
		})
	}
}

// hasTest reports whether dir's test files declare func name(t *testing.T).
func hasTest(t *testing.T, dir, name string) bool {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && fn.Recv == nil && fn.Name.Name == name && len(fn.Type.Params.List) == 1 {
				return true
			}
		}
	}
	return false
}
