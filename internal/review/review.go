// Package review reports what a deploy of one environment would change,
// stack by stack, from the CDK's own diff engine.
package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/ecplatform/eks-platform/internal/assembly"
)

// Change is one resource change, as the CDK diff engine sees it.
type Change struct {
	LogicalID      string           `json:"logicalId"`
	Type           string           `json:"type"`
	Change         string           `json:"change"` // added, removed, changed
	Impact         string           `json:"impact"` // WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY, WILL_ORPHAN, ...
	DeletionPolicy string           `json:"deletionPolicy"`
	Properties     []PropertyChange `json:"properties"`
	// Planned says why a removal is the planned last step of a migration
	// (the baseline deployed it draining or retiring); "" otherwise.
	Planned string `json:"-"`
}

// PropertyChange is one changed property of a resource, with its values.
type PropertyChange struct {
	Name   string `json:"name"`
	Impact string `json:"impact"`
	Old    any    `json:"old"`
	New    any    `json:"new"`
}

// Values are the leaves of the property that changed, old and new.
func (p PropertyChange) Values() []ValueChange { return leafChanges("", p.Old, p.New) }

// StackReport is the review of one stack.
type StackReport struct {
	Name                  string
	New, Gone             bool // the whole stack is added or removed
	Changes               []Change
	PermissionsBroadened  bool `json:"permissionsBroadened"`
	SecurityGroupsChanged bool `json:"securityGroupsChanged"`
}

// Report is the review of one environment.
type Report struct {
	Env    string
	Stacks []StackReport
}

// severity orders changes: what loses data or traffic first.
type severity int

const (
	sevDestructive severity = iota // replaces or deletes data or live traffic
	sevReplace                     // replaces something else
	sevRemove
	sevPlanned // removes what the baseline drained or retired
	sevChange
	sevAdd
)

func (c Change) replaces() bool { return c.Impact == "WILL_REPLACE" || c.Impact == "MAY_REPLACE" }
func (c Change) deletes() bool {
	return c.Change == "removed" || c.Impact == "WILL_DESTROY" || c.Impact == "WILL_ORPHAN"
}

func (c Change) severity() severity {
	critical := assembly.StatefulTypes[c.Type] || assembly.TrafficTypes[c.Type]
	switch {
	case c.Planned != "":
		return sevPlanned
	case critical && (c.replaces() || c.deletes()):
		return sevDestructive
	case c.replaces():
		return sevReplace
	case c.deletes():
		return sevRemove
	case c.Change == "added":
		return sevAdd
	}
	return sevChange
}

// Destructive reports whether any change replaces or deletes a stateful or
// traffic-carrying resource.
func (r Report) Destructive() bool {
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			if c.severity() == sevDestructive {
				return true
			}
		}
	}
	return false
}

// Review compares env's synthesized stacks with the baseline.
func Review(env, assemblyDir, base string) (Report, error) {
	report := Report{Env: env}
	current, err := assembly.Stacks(assemblyDir, env)
	if err != nil {
		return report, err
	}
	baseline, err := baselineTemplates(base, env)
	if err != nil {
		return report, err
	}
	deployedPlan, err := readPlan(env, baseline)
	if err != nil {
		return report, err
	}
	tmp, err := os.MkdirTemp("", "review-")
	if err != nil {
		return report, err
	}
	defer os.RemoveAll(tmp)
	var pairs []pair
	seen := map[string]bool{}
	for _, s := range current {
		seen[s.Name] = true
		tmpl, err := s.Template()
		if err != nil {
			return report, err
		}
		newPath := filepath.Join(tmp, s.Name+".new.json")
		if err := os.WriteFile(newPath, tmpl, 0o644); err != nil {
			return report, err
		}
		old, ok := baseline[s.Name]
		if !ok {
			old = "-"
		}
		pairs = append(pairs, pair{Name: s.Name, Old: old, New: newPath})
		report.Stacks = append(report.Stacks, StackReport{Name: s.Name, New: !ok})
	}
	var gone []string
	for name := range baseline {
		if !seen[name] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		pairs = append(pairs, pair{Name: name, Old: baseline[name], New: "-"})
		report.Stacks = append(report.Stacks, StackReport{Name: name, Gone: true})
	}
	diffs, err := diffStacks(tmp, pairs)
	if err != nil {
		return report, err
	}
	for i := range report.Stacks {
		st := &report.Stacks[i]
		d := diffs[st.Name]
		st.Changes, st.PermissionsBroadened, st.SecurityGroupsChanged = d.Resources, d.PermissionsBroadened, d.SecurityGroupsChanged
		for j := range st.Changes {
			st.Changes[j].Planned = deployedPlan.planned(env, *st, st.Changes[j])
		}
		sortChanges(st.Changes)
	}
	return report, nil
}

// baselineTemplates writes env's baseline templates (a cloud assembly or
// a snapshot root, see assembly.Templates) to files, by stack name.
func baselineTemplates(base, env string) (map[string]string, error) {
	templates, _, err := assembly.Templates(base, env)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "review-base-")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for name, tmpl := range templates {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, tmpl, 0o644); err != nil {
			return nil, err
		}
		out[name] = p
	}
	return out, nil
}

// pair is one stack's baseline and new template files ("-" for none).
type pair struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// stackDiff is the diff engine's answer for one stack.
type stackDiff struct {
	Resources             []Change `json:"resources"`
	PermissionsBroadened  bool     `json:"permissionsBroadened"`
	SecurityGroupsChanged bool     `json:"securityGroupsChanged"`
}

// diffStacks runs the CDK diff engine (diff.js beside this file) once over
// every stack.
func diffStacks(tmp string, pairs []pair) (map[string]stackDiff, error) {
	list := filepath.Join(tmp, "pairs.json")
	data, err := json.Marshal(pairs)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(list, data, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("node", diffScript(), list)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("diff engine failed: %v\n%s", err, stderr.String())
	}
	var res map[string]stackDiff
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("diff engine output: %w", err)
	}
	return res, nil
}

// sortChanges puts what loses data or traffic first.
func sortChanges(changes []Change) {
	sort.SliceStable(changes, func(i, j int) bool {
		si, sj := changes[i].severity(), changes[j].severity()
		if si != sj {
			return si < sj
		}
		return changes[i].LogicalID < changes[j].LogicalID
	})
}

// diffScript finds diff.js from the working directory (the repository root
// or a package directory below it).
func diffScript() string {
	for _, p := range []string{"internal/review/diff.js", "diff.js", "../internal/review/diff.js", "../../internal/review/diff.js"} {
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	return "internal/review/diff.js"
}
