package envs

import (
	"fmt"
	"strconv"
	"strings"
)

// Path is the location of a field in an env file, written the way a user
// reads it: clusters[0].nodeGroups[1].maxSize. Paths are built with Child,
// Index and Key so that their format cannot drift between validators.
type Path struct {
	parent *Path
	name   string // a field name, or "" for an index or key step
	index  int
	key    string
	isKey  bool
}

// renderedPath is a path known by its text only, as the source records
// it: it prints, and is not extended.
func renderedPath(s string) *Path { return &Path{name: s} }

// NewPath starts a path at a top-level field.
func NewPath(name string) *Path { return &Path{name: name} }

// Child is the field name of the object at p.
func (p *Path) Child(name string) *Path { return &Path{parent: p, name: name} }

// Index is element i of the list at p.
func (p *Path) Index(i int) *Path { return &Path{parent: p, index: i} }

// Key is the entry k of the map at p.
func (p *Path) Key(k string) *Path { return &Path{parent: p, key: k, isKey: true} }

func (p *Path) String() string {
	if p == nil {
		return ""
	}
	var steps []*Path
	for s := p; s != nil; s = s.parent {
		steps = append(steps, s)
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		switch {
		case s.isKey:
			b.WriteString("[" + strconv.Quote(s.key) + "]")
		case s.name == "":
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
	}
	return b.String()
}

// yamlPath is p as a goccy/go-yaml path query, to find the line of a field.
func (p *Path) yamlPath() string {
	var steps []*Path
	for s := p; s != nil; s = s.parent {
		steps = append(steps, s)
	}
	var b strings.Builder
	b.WriteString("$")
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		switch {
		case s.isKey:
			b.WriteString("." + strconv.Quote(s.key))
		case s.name == "":
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		default:
			b.WriteString("." + s.name)
		}
	}
	return b.String()
}

// FieldError is one problem with one field of one env file.
type FieldError struct {
	File   string // the env file, as given to Load
	Line   int    // 1-based line of the field, or of its nearest parent; 0 if unknown
	Path   *Path
	Detail string // what is wrong and, where it helps, how to fix it
}

func (e *FieldError) Error() string {
	loc := e.File
	if loc != "" && e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	var b strings.Builder
	if loc != "" {
		b.WriteString(loc + ": ")
	}
	if p := e.Path.String(); p != "" {
		b.WriteString(p + ": ")
	}
	b.WriteString(e.Detail)
	return b.String()
}

// ErrorList collects every problem found, so that a user fixes a file in
// one pass instead of one error per run.
type ErrorList []*FieldError

// Add records a problem at path.
func (l *ErrorList) Add(path *Path, format string, args ...any) {
	*l = append(*l, &FieldError{Path: path, Detail: fmt.Sprintf(format, args...)})
}

// Required records a missing required field.
func (l *ErrorList) Required(path *Path, hint string) {
	l.Add(path, "required: %s", hint)
}

// Invalid records a field whose value is wrong.
func (l *ErrorList) Invalid(path *Path, value any, detail string) {
	l.Add(path, "%s, got %v", detail, value)
}

// NotSupported records a value outside a closed set.
func (l *ErrorList) NotSupported(path *Path, value any, supported []string) {
	l.Add(path, "must be one of %s, got %q", strings.Join(supported, ", "), fmt.Sprint(value))
}

// Err is nil when the list is empty, otherwise an *Errors.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return &Errors{List: l}
}

// Errors is the error every loader and validator returns: one line per
// problem, each naming the file, the line and the field.
type Errors struct{ List ErrorList }

// Error is one line per problem, the first MaxReportedErrors of them.
func (e *Errors) Error() string {
	shown := e.List
	if len(shown) > MaxReportedErrors {
		shown = shown[:MaxReportedErrors]
	}
	lines := make([]string, len(shown), len(shown)+1)
	for i, fe := range shown {
		lines[i] = fe.Error()
	}
	if more := len(e.List) - len(shown); more > 0 {
		lines = append(lines, fmt.Sprintf("and %d more problems, not shown: fix these first", more))
	}
	return strings.Join(lines, "\n")
}
