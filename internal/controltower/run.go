package controltower

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
)

// Template is one stack's template to check.
type Template struct {
	Env, Stack string
	File       string
	// ConstructPaths maps logical ids to construct paths, for findings a
	// reader can find in the code.
	ConstructPaths map[string]string
}

// Finding is one resource one control refuses.
type Finding struct {
	Env, Stack, LogicalID string
	// Path is the construct path within the env, e.g.
	// logging/Archive/AccessLogBucket/Resource ("" if unknown).
	Path string
	Rule Rule
}

func (f Finding) String() string {
	where := f.LogicalID
	if f.Path != "" {
		where = f.Path + " (" + f.LogicalID + ")"
	}
	return fmt.Sprintf("%s: %s %s: %s %s", f.Env, f.Stack, where, f.Rule.Control, f.Rule.Description)
}

// Guard runs the cfn-guard binary over templates with the rules.
type Guard struct {
	Binary string
	Rules  []Rule
}

// Default finds cfn-guard and the Control Tower rules in the project's
// node_modules, found from the working directory up.
func Default() (*Guard, error) {
	root, err := packageDir()
	if err != nil {
		return nil, err
	}
	rules, err := LoadRules(filepath.Join(root, "rules", "control-tower", "cfn-guard"))
	if err != nil {
		return nil, err
	}
	return &Guard{Binary: filepath.Join(root, "bin", "ubuntu", "x86_64", "cfn-guard"), Rules: rules}, nil
}

func packageDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "node_modules", "@cdklabs", "cdk-validator-cfnguard")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("node_modules/@cdklabs/cdk-validator-cfnguard not found (run make deps)")
		}
	}
}

// guardResult is cfn-guard's structured JSON for one template.
type guardResult struct {
	Name         string `json:"name"`
	NotCompliant []struct {
		Rule struct {
			Name   string `json:"name"`
			Checks any    `json:"checks"`
		} `json:"Rule"`
	} `json:"not_compliant"`
	Compliant []string `json:"compliant"`
}

// Check runs every control that reports on a resource type the templates
// hold (the others would SKIP) in one cfn-guard process and returns every
// resource a control refuses, sorted.
func (g *Guard) Check(templates []Template) ([]Finding, error) {
	types := map[string]bool{}
	byFile := map[string]Template{}
	for _, t := range templates {
		byFile[t.File] = t
		data, err := os.ReadFile(t.File)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Resources map[string]struct{ Type string }
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", t.File, err)
		}
		for _, r := range doc.Resources {
			types[r.Type] = true
		}
	}
	args := []string{"validate", "--output-format", "json", "--show-summary", "none", "--structured"}
	rules := map[string]Rule{}
	for _, r := range g.Rules {
		if slices.ContainsFunc(r.Types, func(t string) bool { return types[t] }) {
			args = append(args, "-r", r.File)
			rules[r.Name] = r
		}
	}
	if len(rules) == 0 || len(templates) == 0 {
		return nil, nil
	}
	for _, t := range templates {
		args = append(args, "-d", t.File)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(g.Binary, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	// cfn-guard exits 19 when a rule fails: that is a result, not an error.
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 19) {
		return nil, fmt.Errorf("cfn-guard: %v: %s", err, stderr.String())
	}
	var results []guardResult
	if err := json.Unmarshal(stdout.Bytes(), &results); err != nil {
		return nil, fmt.Errorf("cfn-guard output: %w", err)
	}
	var out []Finding
	for _, res := range results {
		t, ok := byFile[res.Name]
		if !ok {
			return nil, fmt.Errorf("cfn-guard reported on %s, which was not asked for", res.Name)
		}
		for _, nc := range res.NotCompliant {
			rule, ok := rules[nc.Rule.Name]
			if !ok {
				return nil, fmt.Errorf("cfn-guard reported rule %s, which no guard file names", nc.Rule.Name)
			}
			ids := map[string]bool{}
			logicalIDs(nc.Rule.Checks, ids)
			if len(ids) == 0 {
				return nil, fmt.Errorf("%s: %s failed on no resource cfn-guard names", t.Stack, rule.Control)
			}
			for id := range ids {
				out = append(out, Finding{Env: t.Env, Stack: t.Stack, LogicalID: id, Path: t.ConstructPaths[id], Rule: rule})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Env != b.Env {
			return a.Env < b.Env
		}
		if a.Rule.Control != b.Rule.Control {
			return a.Rule.Control < b.Rule.Control
		}
		return a.Stack+a.LogicalID < b.Stack+b.LogicalID
	})
	return out, nil
}

var resourcePath = regexp.MustCompile(`^/Resources/([^/]+)`)

// logicalIDs collects the resources a failed rule's checks point at: every
// "path" under /Resources/<id>, skipping the template values cfn-guard
// copies next to each path.
func logicalIDs(node any, ids map[string]bool) {
	switch n := node.(type) {
	case map[string]any:
		p, hasPath := n["path"].(string)
		if m := resourcePath.FindStringSubmatch(p); hasPath && m != nil {
			ids[m[1]] = true
		}
		for k, v := range n {
			if hasPath && k == "value" {
				continue
			}
			logicalIDs(v, ids)
		}
	case []any:
		for _, v := range n {
			logicalIDs(v, ids)
		}
	}
}
