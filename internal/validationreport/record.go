package validationreport

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// RecordFile is the record, in a cloud assembly's root, of the templates
// whose validation the assembly's report vouches for.
const RecordFile = "validated-templates.json"

// ReportFile is where the CLI writes the validation report in an assembly.
const ReportFile = "validation-report.json"

// record maps each stack template (its path in the assembly, slash-separated)
// to the SHA-256 of its bytes.
type record struct {
	Templates map[string]string `json:"templates"`
}

// Record audits the report of the assembly at dir and, if it passes, writes
// the record of every stack template in the assembly. `make synth` runs it
// right after the synth that wrote both (cdk.out deleted first), so the
// record ties each template's bytes to a synth whose validation ran.
func Record(dir string) error {
	if err := audit(dir); err != nil {
		return err
	}
	stacks, _, err := templates(dir, "")
	if err != nil {
		return err
	}
	rec := record{Templates: map[string]string{}}
	for _, t := range stacks {
		sum, err := hashFile(filepath.Join(dir, t))
		if err != nil {
			return err
		}
		rec.Templates[t] = sum
	}
	data, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, RecordFile), append(data, '\n'), 0o644)
}

// Verify is the deploy's gate: the assembly at dir passes the audit again,
// and every template env would ship (every env's when env is empty) is in
// the record, byte for byte. An assembly synthesized without validation
// (FAST=1, CDK_VALIDATION=false), a template edited or re-synthesized
// after the record, and a nested stack template (aws-cdk-lib validates
// stack artifacts only) all fail, each with what to do.
func Verify(dir, env string) error {
	if err := audit(dir); err != nil {
		return fmt.Errorf("refusing to deploy %s: %w", dir, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, RecordFile))
	if err != nil {
		return fmt.Errorf("refusing to deploy %s: no record of validated templates (%w): synthesize with `make synth` (not FAST=1) and deploy that assembly", dir, err)
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, RecordFile), err)
	}
	stacks, nested, err := templates(dir, env)
	if err != nil {
		return err
	}
	if len(stacks) == 0 {
		return fmt.Errorf("%s: no stack templates%s", dir, forEnv(env))
	}
	var errs []error
	for _, t := range stacks {
		sum, err := hashFile(filepath.Join(dir, t))
		if err != nil {
			return err
		}
		switch want, ok := rec.Templates[t]; {
		case !ok:
			errs = append(errs, fmt.Errorf("%s: not validated: it is not in %s", t, RecordFile))
		case want != sum:
			errs = append(errs, fmt.Errorf("%s: changed since it was validated (synthesize again with `make synth`)", t))
		}
	}
	for _, t := range nested {
		errs = append(errs, fmt.Errorf("%s: a nested stack template, which aws-cdk-lib's validation does not check", t))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("refusing to deploy %s: templates not validated:\n%w", dir, err)
	}
	return nil
}

// audit runs Check on the assembly's report.
func audit(dir string) error {
	path := filepath.Join(dir, ReportFile)
	r, err := Read(path)
	if err != nil {
		return err
	}
	if res := Check(r, Acknowledged); len(res.Problems) > 0 {
		return fmt.Errorf("%s:\n%s", path, strings.Join(res.Problems, "\n"))
	}
	return nil
}

func forEnv(env string) string {
	if env == "" {
		return ""
	}
	return " for environment " + env
}

// manifest is what templates reads of a cloud assembly manifest: stack
// artifacts and nested assemblies (one per Stage).
type manifest struct {
	Artifacts map[string]struct {
		Type       string `json:"type"`
		Properties struct {
			TemplateFile  string `json:"templateFile"`
			DirectoryName string `json:"directoryName"`
		} `json:"properties"`
	} `json:"artifacts"`
}

// templates lists the stack templates of the assembly at root (of env's
// Stage only, assembly-<env>, when env is set) and the nested stack
// templates beside them, as sorted slash-separated paths relative to root.
func templates(root, env string) (stacks, nested []string, err error) {
	var walk func(rel string) error
	walk = func(rel string) error {
		data, err := os.ReadFile(filepath.Join(root, rel, "manifest.json"))
		if err != nil {
			return err
		}
		var m manifest
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(root, rel, "manifest.json"), err)
		}
		for _, a := range m.Artifacts {
			switch a.Type {
			case "aws:cloudformation:stack":
				stacks = append(stacks, filepath.ToSlash(filepath.Join(rel, a.Properties.TemplateFile)))
			case "cdk:cloud-assembly":
				if err := walk(filepath.Join(rel, a.Properties.DirectoryName)); err != nil {
					return err
				}
			}
		}
		found, err := filepath.Glob(filepath.Join(root, rel, "*.nested.template.json"))
		for _, f := range found {
			r, _ := filepath.Rel(root, f)
			nested = append(nested, filepath.ToSlash(r))
		}
		return err
	}
	start := "."
	if env != "" {
		start = "assembly-" + env
	}
	if err := walk(start); err != nil {
		return nil, nil, fmt.Errorf("reading the assembly%s: %w", forEnv(env), err)
	}
	sort.Strings(stacks)
	sort.Strings(nested)
	return stacks, nested, nil
}

func hashFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
