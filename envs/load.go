package envs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
)

// Load reads one env file strictly, applies defaults and validates it. The
// error, if any, is an *Errors listing every problem with file and line.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	// One byte over the cap is enough to refuse the file: a file of any
	// size costs at most this much to read.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse is Load for bytes already read; name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	cfg, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	SetDefaults(cfg)
	if errs := Validate(cfg); len(errs) > 0 {
		return nil, cfg.locate(errs).Err()
	}
	return cfg, nil
}

// decode parses data into a Config: unknown keys, duplicate keys and wrong
// types are errors, all of them reported at once. What a file may hold is
// bounded before each step that could grow with it: its size before it is
// read, its tokens and nesting before it is parsed, the length of each list
// before it is walked, and aliases are refused before any is expanded
// (caps.go).
func decode(name string, data []byte) (*Config, error) {
	if errs := checkSize(name, data); len(errs) > 0 {
		return nil, errs.Err()
	}
	textErrs := checkText(data)
	tokens := lexer.Tokenize(string(data))
	if errs := checkTokens(tokens); len(errs) > 0 {
		return nil, inFile(name, append(textErrs, errs...)).Err()
	}
	file, err := parser.Parse(tokens, 0)
	if err != nil {
		if len(textErrs) > 0 {
			// The bytes it refuses are what the parser stumbled on.
			return nil, inFile(name, textErrs).Err()
		}
		return nil, yamlError(name, err)
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return nil, ErrorList{{File: name, Line: 1, Detail: fmt.Sprintf("must hold exactly one YAML document, found %d", countDocs(file.Docs))}}.Err()
	}
	var errs ErrorList
	src := newSource()
	checkShape(file.Docs[0].Body, reflect.TypeOf(Config{}), nil, src, &errs)
	for _, e := range textErrs {
		e.Path = src.fieldAt(e.Line)
	}
	if errs = append(textErrs, errs...); len(errs) > 0 {
		return nil, inFile(name, errs).Err()
	}
	cfg := &Config{}
	if err := yaml.NodeToValue(withoutTags(file.Docs[0].Body), cfg, yaml.Strict()); err != nil {
		return nil, yamlError(name, err)
	}
	cfg.file, cfg.src = name, src
	return cfg, nil
}

// inFile names the file in each error.
func inFile(name string, errs ErrorList) ErrorList {
	for _, e := range errs {
		e.File = name
	}
	return errs
}

func countDocs(docs []*ast.DocumentNode) int {
	n := 0
	for _, d := range docs {
		if d.Body != nil {
			n++
		}
	}
	return n
}

// yamlError turns a YAML library error into a FieldError with its line,
// without the library's source excerpt and colour codes.
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return ErrorList{{File: name, Line: ye.GetToken().Position.Line, Detail: ye.GetMessage()}}.Err()
	}
	return ErrorList{{File: name, Detail: err.Error()}}.Err()
}

// locate fills in the file and line of each error from the config's source.
func (c *Config) locate(errs ErrorList) ErrorList {
	for _, e := range errs {
		if e.File == "" {
			e.File = c.file
		}
		if e.Line == 0 {
			e.Line = c.src.lineOf(e.Path)
		}
	}
	return errs
}

// LoadDir loads every <env>.yaml in dir, validates each, then validates them
// as a set (unique names and accounts, no overlapping networks). Configs are
// returned sorted by name.
func LoadDir(dir string) ([]*Config, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no env files (*.yaml) found", dir)
	}
	var cfgs []*Config
	var all ErrorList
	for _, p := range paths {
		cfg, err := Load(p)
		if err != nil {
			var es *Errors
			if errors.As(err, &es) {
				all = append(all, es.List...)
				continue
			}
			return nil, err
		}
		cfgs = append(cfgs, cfg)
	}
	if len(all) > 0 {
		return nil, all.Err()
	}
	sort.Slice(cfgs, func(i, j int) bool { return cfgs[i].Name < cfgs[j].Name })
	if errs := ValidateSet(cfgs); len(errs) > 0 {
		return nil, errs.Err()
	}
	return cfgs, nil
}
