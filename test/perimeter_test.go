package test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// statementsIn are the statements of a policy document property.
func statementsIn(doc any) []map[string]any {
	d, _ := doc.(map[string]any)
	list, _ := d["Statement"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, s := range list {
		out = append(out, s.(map[string]any))
	}
	return out
}

// conditionValue is the rendered value of key under operator op, or "".
func conditionValue(s map[string]any, op, key string) string {
	cond, _ := s["Condition"].(map[string]any)
	block, _ := cond[op].(map[string]any)
	if v, ok := block[key]; ok {
		return catalogcheck.Render(v)
	}
	return ""
}

// arnLike reports whether arn matches an IAM ArnLike pattern (* and ?).
func arnLike(pattern, arn string) bool {
	re := regexp.QuoteMeta(pattern)
	re = strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(re)
	return regexp.MustCompile("^" + re + "$").MatchString(arn)
}

// TestVpcEndpointPolicies: in every env, every VPC endpoint has a policy,
// and every statement of it that allows all resources is bound to the
// env's own account (principals or resources): no endpoint reaches every
// account's buckets, tables, registries or roles.
func TestVpcEndpointPolicies(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			found := 0
			for stack, tmpl := range envTemplates(t, cfg.Name) {
				for id, p := range resourcesOf(tmpl, "AWS::EC2::VPCEndpoint") {
					found++
					stmts := statementsIn(p["PolicyDocument"])
					if len(stmts) == 0 {
						t.Errorf("%s %s (%s): no endpoint policy", stack, id, catalogcheck.Render(p["ServiceName"]))
					}
					for _, s := range stmts {
						res, _ := s["Resource"].(string)
						if s["Effect"] != "Allow" || res != "*" {
							continue
						}
						if conditionValue(s, "StringEquals", "aws:PrincipalAccount") != cfg.Account && conditionValue(s, "StringEquals", "aws:ResourceAccount") != cfg.Account {
							t.Errorf("%s %s statement %v allows every resource to anyone outside %s", stack, id, s["Sid"], cfg.Account)
						}
					}
				}
			}
			if found == 0 {
				t.Error("no VPC endpoints: the check checked nothing")
			}
		})
	}
}

// TestAlarmTopicPublishers: in every env, every AWS service statement of
// every SNS topic policy is bound to the env's account (aws:SourceAccount)
// and to sources (aws:SourceArn), and every alarm and rule that notifies a
// topic is one of those sources, so no alarm is silently dropped. An
// alarm without a name gets <stack>-<logical id>-<suffix> from
// CloudFormation; a rule in the topic's stack is named by its own ARN.
func TestAlarmTopicPublishers(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			// sources[stack/topic id][service] are the aws:SourceArn patterns.
			sources := map[string]map[string][]string{}
			imports := map[string]string{} // export name -> stack/topic id
			for stack, tmpl := range tmpls {
				outputs, _ := tmpl["Outputs"].(map[string]any)
				for _, o := range outputs {
					o := o.(map[string]any)
					if export, ok := o["Export"].(map[string]any); ok {
						imports[catalogcheck.Render(export["Name"])] = stack + "/" + strings.Trim(catalogcheck.Render(o["Value"]), "<>")
					}
				}
				for id, p := range resourcesOf(tmpl, "AWS::SNS::TopicPolicy") {
					for _, s := range statementsIn(p["PolicyDocument"]) {
						principal, _ := s["Principal"].(map[string]any)
						svc, _ := principal["Service"].(string)
						if svc == "" || s["Effect"] != "Allow" {
							continue
						}
						account, arn := conditionValue(s, "StringEquals", "aws:SourceAccount"), conditionValue(s, "ArnLike", "aws:SourceArn")
						if svc == "events.amazonaws.com" {
							// EventBridge documents no Condition support in SNS
							// topic policies: IfExists (constructs/monitoring).
							account, arn = conditionValue(s, "StringEqualsIfExists", "aws:SourceAccount"), conditionValue(s, "ArnLikeIfExists", "aws:SourceArn")
						}
						if account != cfg.Account {
							t.Errorf("%s %s: %s may publish for any account (aws:SourceAccount %q, want %s)", stack, id, svc, account, cfg.Account)
						}
						if arn == "" {
							t.Errorf("%s %s: %s may publish for any source (no aws:SourceArn)", stack, id, svc)
						}
						for _, topic := range p["Topics"].([]any) {
							key := stack + "/" + strings.Trim(catalogcheck.Render(topic), "<>")
							if sources[key] == nil {
								sources[key] = map[string][]string{}
							}
							sources[key][svc] = append(sources[key][svc], arn)
						}
					}
				}
			}
			if len(sources) == 0 {
				t.Fatal("no topic policy with AWS service statements: the check checked nothing")
			}
			// topicOf is the stack/topic id a target or action refers to.
			topicOf := func(stack string, v any) string {
				r := catalogcheck.Render(v)
				if name, ok := strings.CutPrefix(r, "<import:"); ok {
					return imports[strings.TrimSuffix(name, ">")]
				}
				return stack + "/" + strings.Trim(r, "<>")
			}
			covered := func(patterns []string, arn string) bool {
				return slices.ContainsFunc(patterns, func(p string) bool { return p == arn || arnLike(p, arn) })
			}
			alarms := 0
			for stack, tmpl := range tmpls {
				for id, p := range resourcesOf(tmpl, "AWS::CloudWatch::Alarm") {
					name := stack + "-" + id[:min(len(id), 20)] + "-1A2B3C4D5E6F7"
					if n, ok := p["AlarmName"].(string); ok {
						name = n
					}
					arn := "arn:aws:cloudwatch:" + cfg.Region + ":" + cfg.Account + ":alarm:" + name
					checked := map[string]bool{}
					for _, field := range []string{"AlarmActions", "OKActions"} {
						actions, _ := p[field].([]any)
						for _, a := range actions {
							topic := topicOf(stack, a)
							if checked[topic] {
								continue
							}
							if sources[topic] == nil {
								// An unresolved import or a topic without a
								// policy: CloudWatch could not publish.
								t.Errorf("%s %s notifies %q, which is no topic of the env with a policy: %s", stack, id, topic, catalogcheck.Render(a))
								continue
							}
							checked[topic] = true
							alarms++
							if !covered(sources[topic]["cloudwatch.amazonaws.com"], arn) {
								t.Errorf("%s %s notifies %s, whose policy does not let it publish (%s not in %v)", stack, id, topic, arn, sources[topic]["cloudwatch.amazonaws.com"])
							}
						}
					}
				}
				for id, p := range resourcesOf(tmpl, "AWS::Events::Rule") {
					own := "<" + id + ".Arn>"
					arn := "arn:aws:events:" + cfg.Region + ":" + cfg.Account + ":rule/" + stack + "-" + id + "-1A2B3C4D5E6F7"
					if n, ok := p["Name"].(string); ok {
						arn = "arn:aws:events:" + cfg.Region + ":" + cfg.Account + ":rule/" + n
					}
					targets, _ := p["Targets"].([]any)
					for _, target := range targets {
						topic := topicOf(stack, target.(map[string]any)["Arn"])
						if sources[topic] == nil {
							continue
						}
						patterns := sources[topic]["events.amazonaws.com"]
						if !(strings.HasPrefix(topic, stack+"/") && slices.Contains(patterns, own)) && !covered(patterns, arn) {
							t.Errorf("%s rule %s targets %s, whose policy does not name it (%v)", stack, id, topic, patterns)
						}
					}
				}
			}
			if alarms == 0 {
				t.Error("no alarm notifies a topic: the check checked nothing")
			}
		})
	}
}
