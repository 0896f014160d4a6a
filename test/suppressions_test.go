package test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
)

// TestSuppressionsAreAboutWhatIsThere holds every cdk-nag suppression of
// IAM wildcards (AwsSolutions-IAM5) and AWS managed policies
// (AwsSolutions-IAM4) in every env's final templates to what it claims: each
// applies_to entry must match a finding cdk-nag would report on a resource
// carrying the suppression (a wildcard action or resource, or an AWS
// managed policy), as cdk-nag renders findings. A suppression left behind by a policy that
// changed, or written wider than its finding, fails here instead of hiding
// the next grant that happens to match it.
func TestSuppressionsAreAboutWhatIsThere(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			checked := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				// Per suppression entry: is it met by any resource carrying it?
				type entry struct{ rule, appliesTo string }
				met := map[entry]bool{}
				resources, _ := tmpl["Resources"].(map[string]any)
				for _, r := range resources {
					res := r.(map[string]any)
					findings := nagFindings(res)
					meta, _ := res["Metadata"].(map[string]any)
					nag, _ := meta["cdk_nag"].(map[string]any)
					rules, _ := nag["rules_to_suppress"].([]any)
					for _, s := range rules {
						s := s.(map[string]any)
						rule, _ := s["id"].(string)
						if rule != "AwsSolutions-IAM5" && rule != "AwsSolutions-IAM4" {
							continue
						}
						applies, _ := s["applies_to"].([]any)
						if len(applies) == 0 {
							t.Errorf("%s: a %s suppression without applies_to silences every finding of the rule", stack, rule)
						}
						for _, a := range applies {
							e := entry{rule, fmt.Sprint(a)}
							met[e] = met[e] || matchesAny(a, findings)
						}
					}
				}
				for e, ok := range met {
					checked++
					if !ok {
						t.Errorf("%s: %s suppression %s matches no finding of the resources it is on", stack, e.rule, e.appliesTo)
					}
				}
			}
			if checked == 0 {
				t.Fatal("no IAM4 or IAM5 suppression found: the check checked nothing")
			}
		})
	}
}

// nagFindings are the IAM4 and IAM5 findings cdk-nag 2.38 reports on a
// resource, as its rules IAMNoManagedPolicies and IAMNoWildcardPermissions
// write them: for a role, user or group, "Policy::<arn>" for each AWS
// managed policy; for a role's, user's or group's inline policies and for
// a policy or managed policy, "Action::<action>" and "Resource::<resource>"
// for each wildcard of an Allow statement.
func nagFindings(res map[string]any) []string {
	props, _ := res["Properties"].(map[string]any)
	var docs []any
	var out []string
	switch res["Type"] {
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		for _, arn := range asList(props["ManagedPolicyArns"]) {
			if f := flattenCfnReference(arn); strings.Contains(f, ":iam::aws:") {
				out = append(out, "Policy::"+f)
			}
		}
		for _, p := range asList(props["Policies"]) {
			docs = append(docs, p.(map[string]any)["PolicyDocument"])
		}
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
		docs = append(docs, props["PolicyDocument"])
	}
	for _, d := range docs {
		doc, _ := d.(map[string]any)
		for _, st := range asList(doc["Statement"]) {
			st := st.(map[string]any)
			if st["Effect"] != "Allow" {
				continue
			}
			for _, a := range asList(st["Action"]) {
				if a, _ := a.(string); strings.Contains(a, "*") {
					out = append(out, "Action::"+a)
				}
			}
			for _, r := range asList(st["Resource"]) {
				if f := flattenCfnReference(r); strings.Contains(f, "*") {
					out = append(out, "Resource::"+f)
				}
			}
		}
	}
	return out
}

// flattenCfnReference is cdk-nag's utils/flatten-cfn-reference: a
// reference as the text its findings and suppressions use.
func flattenCfnReference(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.ReplaceAll(strings.ReplaceAll(x, "${", "<"), "}", ">")
	case map[string]any:
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			sep, _ := j[0].(string)
			var parts []string
			for _, p := range asList(j[1]) {
				parts = append(parts, flattenCfnReference(p))
			}
			return strings.Join(parts, sep)
		}
		if sub, ok := x["Fn::Sub"]; ok {
			return flattenCfnReference(sub)
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return "<" + flattenCfnReference(ga[0]) + "." + flattenCfnReference(ga[1]) + ">"
		}
		if imp, ok := x["Fn::ImportValue"]; ok {
			return flattenCfnReference(imp)
		}
		if ref, ok := x["Ref"]; ok {
			return "<" + flattenCfnReference(ref) + ">"
		}
	}
	// JSON.stringify: no HTML escaping.
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

// matchesAny reports whether a suppression's applies_to entry (a string, or
// {"regex": "/.../"}) matches one of the findings.
func matchesAny(appliesTo any, findings []string) bool {
	for _, f := range findings {
		switch a := appliesTo.(type) {
		case string:
			if a == f {
				return true
			}
		case map[string]any:
			pattern, _ := a["regex"].(string)
			re, err := regexp.Compile(strings.TrimSuffix(strings.TrimPrefix(pattern, "/"), "/"))
			if err == nil && re.MatchString(f) {
				return true
			}
		}
	}
	return false
}

// asList is a template value that may be one item or a list, as a list.
func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}
