// Package controltower runs AWS Control Tower's proactive controls over
// synthesized templates, as their CloudFormation hooks would at deploy:
// the cfn-guard rules and binary of npm @cdklabs/cdk-validator-cfnguard,
// pinned in package-lock.json. A finding is refused at deploy where Control
// Tower enables the control, so each one is fixed or listed, with its
// reason, in the exceptions file.
package controltower

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Rule is one control's guard file.
type Rule struct {
	File string // path of the .guard file
	// Control is the control's id, e.g. CT.S3.PR.9.
	Control string
	// Name is the guard rule's name, as cfn-guard reports it.
	Name string
	// Description says what the control requires.
	Description string
	// Types are the resource types the control reports on.
	Types []string
}

var (
	controlID = regexp.MustCompile(`\[(CT\.[A-Z0-9-]+\.PR\.[0-9]+)\]`)
	// ruleLine is the rule cfn-guard evaluates on templates (each file
	// also has hook variants of the same name).
	ruleLine = regexp.MustCompile(`^rule ([a-z0-9_]+) when is_cfn_template\(`)
)

// LoadRules reads every guard file under dir (rules/control-tower/cfn-guard).
func LoadRules(dir string) ([]Rule, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.guard"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no Control Tower guard rules (run make deps)", dir)
	}
	var rules []Rule
	for _, f := range files {
		r, err := readRule(f)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].Control < rules[j].Control })
	return rules, nil
}

// readRule reads a guard file: its description and resource types from the
// header, the name of the rule evaluated on templates, and the control id
// of its message.
func readRule(path string) (Rule, error) {
	f, err := os.Open(path)
	if err != nil {
		return Rule{}, err
	}
	defer f.Close()
	r := Rule{File: path}
	section := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := controlID.FindStringSubmatch(line); m != nil && r.Control == "" {
			r.Control = m[1]
		}
		if m := ruleLine.FindStringSubmatch(line); m != nil && r.Name == "" {
			r.Name = m[1]
		}
		text, isComment := strings.CutPrefix(line, "#")
		if !isComment {
			continue
		}
		text = strings.TrimSpace(text)
		switch {
		case text == "Description:", text == "Reports on:", text == "Evaluates:", text == "Rule Parameters:", text == "Scenarios:",
			text == "Rule Identifier:", text == "Rule Name:":
			section = strings.TrimSuffix(text, ":")
			continue
		case text == "":
			section = ""
			continue
		}
		switch section {
		case "Description":
			r.Description = strings.TrimSpace(r.Description + " " + text)
		case "Reports on":
			for _, t := range strings.Split(text, ",") {
				if t = strings.TrimSpace(t); strings.HasPrefix(t, "AWS::") {
					r.Types = append(r.Types, t)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Rule{}, err
	}
	if r.Name == "" || r.Control == "" || len(r.Types) == 0 {
		return Rule{}, fmt.Errorf("%s: no rule identifier, control id or resource type in its header", path)
	}
	return r, nil
}
