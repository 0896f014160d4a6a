package monitoring

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

func TestAlarmChannelPropsValidate(t *testing.T) {
	valid := AlarmChannelProps{Name: "prd", SlackWorkspaceID: "T01234567", SlackChannelID: "C01234567", AlarmNamePrefix: "prd-"}
	for _, tc := range []struct {
		name   string
		mutate func(*AlarmChannelProps)
		want   string
	}{
		{"no name", func(p *AlarmChannelProps) { p.Name = "" }, "name: required"},
		{"bad workspace", func(p *AlarmChannelProps) { p.SlackWorkspaceID = "t1" }, `slackWorkspaceId: must be a Slack workspace id such as T01234567, got "t1"`},
		{"wildcard prefix", func(p *AlarmChannelProps) { p.AlarmNamePrefix = "prd-*" }, `alarmNamePrefix: must be a plain prefix, without * or ?, got "prd-*"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid
			tc.mutate(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid props rejected: %v", err)
	}
}

// statementsOf returns the policy statements of every resource of type typ
// under the property prop (PolicyDocument, KeyPolicy).
func statementsOf(tmpl assertions.Template, typ, prop string) []map[string]any {
	var out []map[string]any
	for _, r := range *tmpl.FindResources(jsii.String(typ), nil) {
		doc := (*r)["Properties"].(map[string]any)[prop].(map[string]any)
		for _, s := range doc["Statement"].([]any) {
			out = append(out, s.(map[string]any))
		}
	}
	return out
}

// servicePrincipal is the statement's service principal, or "".
func servicePrincipal(s map[string]any) string {
	p, _ := s["Principal"].(map[string]any)
	svc, _ := p["Service"].(string)
	return svc
}

// condition is the rendered value of key under the statement's operator op.
func condition(s map[string]any, op, key string) string {
	cond, _ := s["Condition"].(map[string]any)
	block, _ := cond[op].(map[string]any)
	if v, ok := block[key]; ok {
		return catalogcheck.Render(v)
	}
	return ""
}

// TestAlarmChannelPublishers: only the env's own alarms and EventBridge
// rules may publish to the topic and use its key (no confused deputy).
func TestAlarmChannelPublishers(t *testing.T) {
	// GIVEN a channel for the alarms named prd-*, a rule in its stack and
	// a rule in another stack of the app
	stack := constructtest.NewStack(t)
	channel := NewAlarmChannel(stack, "Alarms", AlarmChannelProps{Name: "prd", SlackWorkspaceID: "T01234567", SlackChannelID: "C01234567", AlarmNamePrefix: "prd-"})
	NewNodeGroupLaunchAlerts(stack, "NodeGroupLaunch", NodeGroupLaunchAlertsProps{Channel: channel, Name: "prd"})
	other := awscdk.NewStack(stack.Node().Scope().(constructs.Construct), jsii.String("prd-services-07"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(constructtest.Account), Region: jsii.String(constructtest.Region)},
	})
	otherRule := awsevents.NewRule(other, jsii.String("Rule"), &awsevents.RuleProps{
		EventPattern: &awsevents.EventPattern{Source: jsii.Strings("aws.health")},
	})
	channel.AddRule(otherRule, awsevents.RuleTargetInput_FromText(jsii.String("health event")))
	// WHEN
	tmpl := constructtest.Template(t, stack)
	topic := statementsOf(tmpl, "AWS::SNS::TopicPolicy", "PolicyDocument")
	key := statementsOf(tmpl, "AWS::KMS::Key", "KeyPolicy")
	account := constructtest.Account
	alarms := "arn:aws:cloudwatch:ap-northeast-1:" + account + ":alarm:prd-*"
	topicArn := "arn:aws:sns:ap-northeast-1:" + account + ":prd-alarms"

	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("every service statement of the topic policy carries SourceAccount and SourceArn", func(t *testing.T) {
		bySource := map[string][]string{}
		for _, s := range topic {
			svc := servicePrincipal(s)
			if svc == "" {
				continue
			}
			switch svc {
			case "cloudwatch.amazonaws.com":
				if got := condition(s, "StringEquals", "aws:SourceAccount"); got != account {
					t.Errorf("cloudwatch: aws:SourceAccount %q, want %q", got, account)
				}
				bySource[svc] = append(bySource[svc], condition(s, "ArnLike", "aws:SourceArn"))
			case "events.amazonaws.com":
				// IfExists: EventBridge documents no Condition support in SNS topic policies.
				if got := condition(s, "StringEqualsIfExists", "aws:SourceAccount"); got != account {
					t.Errorf("events: aws:SourceAccount (IfExists) %q, want %q", got, account)
				}
				bySource[svc] = append(bySource[svc], condition(s, "ArnLikeIfExists", "aws:SourceArn"))
			default:
				t.Errorf("unexpected publisher %s", svc)
			}
		}
		if got := bySource["cloudwatch.amazonaws.com"]; len(got) != 1 || got[0] != alarms {
			t.Errorf("alarms that may publish: %v, want [%s]", got, alarms)
		}
		got := bySource["events.amazonaws.com"]
		if len(got) != 2 || !strings.HasPrefix(got[0], "<NodeGroupLaunchRule") || !strings.HasSuffix(got[0], ".Arn>") {
			t.Fatalf("rules that may publish: %v, want the node group rule's own ARN first", got)
		}
		if want := "arn:aws:events:ap-northeast-1:" + account + ":rule/prd-services-07-*"; got[1] != want {
			t.Errorf("a rule of another stack: %s, want %s (the names CloudFormation gives that stack's rules)", got[1], want)
		}
	})
	t.Run("the key serves the topic's publishers for this topic only", func(t *testing.T) {
		seen := map[string]bool{}
		for _, s := range key {
			svc := servicePrincipal(s)
			if svc == "" {
				continue
			}
			seen[svc] = true
			if got := condition(s, "StringEquals", "kms:EncryptionContext:aws:sns:topicArn"); got != topicArn {
				t.Errorf("%s: kms:EncryptionContext:aws:sns:topicArn %q, want %q", svc, got, topicArn)
			}
			switch svc {
			case "cloudwatch.amazonaws.com":
				if got := condition(s, "StringEquals", "aws:SourceAccount"); got != account {
					t.Errorf("cloudwatch: aws:SourceAccount %q, want %q", got, account)
				}
				if got := condition(s, "ArnLike", "aws:SourceArn"); got != alarms {
					t.Errorf("cloudwatch: aws:SourceArn %q, want %q", got, alarms)
				}
			case "events.amazonaws.com":
				// SNS: aws:SourceAccount/SourceArn are not supported in a key
				// policy for EventBridge-to-encrypted-topic delivery.
				if s["Condition"].(map[string]any)["ArnLike"] != nil || condition(s, "StringEquals", "aws:SourceAccount") != "" {
					t.Errorf("events: source conditions in the key policy would refuse every event: %v", s["Condition"])
				}
			default:
				t.Errorf("unexpected key user %s", svc)
			}
		}
		if !seen["cloudwatch.amazonaws.com"] || !seen["events.amazonaws.com"] {
			t.Errorf("key users %v, want cloudwatch and events", seen)
		}
	})
	t.Run("the rule publishes its message to the topic", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{
			"Targets": []any{assertions.Match_ObjectLike(&map[string]any{
				"Arn": map[string]any{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^AlarmsTopic"))}, "InputTransformer": assertions.Match_AnyValue(),
			})},
		})
	})
}

func TestAlarmChannelDefaultsToEveryAlarmOfTheAccount(t *testing.T) {
	stack := constructtest.NewStack(t)
	NewAlarmChannel(stack, "Alarms", AlarmChannelProps{Name: "prd", SlackWorkspaceID: "T01234567", SlackChannelID: "C01234567"})
	for _, s := range statementsOf(constructtest.Template(t, stack), "AWS::SNS::TopicPolicy", "PolicyDocument") {
		if servicePrincipal(s) == "cloudwatch.amazonaws.com" {
			if got, want := condition(s, "ArnLike", "aws:SourceArn"), "arn:aws:cloudwatch:ap-northeast-1:"+constructtest.Account+":alarm:*"; got != want {
				t.Errorf("aws:SourceArn %q, want %q", got, want)
			}
			return
		}
	}
	t.Error("no statement for CloudWatch alarms")
}
