package cluster

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

func TestNodeSessionsValidate(t *testing.T) {
	if err := (NodeSessions{LogGroupName: "/platform/prd/node-sessions", KeyArnParameter: "/platform/prd/node-sessions/key-arn"}).Validate(); err != nil {
		t.Fatalf("valid: %v", err)
	}
	for _, tc := range []struct {
		name string
		s    NodeSessions
		want string
	}{
		{"no log group", NodeSessions{KeyArnParameter: "/platform/prd/node-sessions/key-arn"}, `logGroupName: must be a log group name (1-512 of A-Za-z0-9 . - _ / #), got ""`},
		{"no parameter", NodeSessions{LogGroupName: "/platform/prd/node-sessions"}, `keyArnParameter: must be an SSM parameter path such as /platform/prd/node-sessions/key-arn, got ""`},
		{"parameter not a path", NodeSessions{LogGroupName: "/platform/prd/node-sessions", KeyArnParameter: "arn:aws:kms:ap-northeast-1:111111111111:key/x"}, "keyArnParameter: must be an SSM parameter path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.s.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestNodeSessions: with NodeSessions, every node group's role, AL2023 and
// Bottlerocket alike, makes its nodes managed instances and may write the
// session log and decrypt session data, with the key read from the
// parameter at deploy; and no Bottlerocket setting turns off the control
// container, where SSM Agent runs on Bottlerocket.
func TestNodeSessions(t *testing.T) {
	stack, c := newClusterStackWith(t, "1.34", func(p *ClusterProps) {
		p.NodeSessions = &NodeSessions{LogGroupName: "/platform/prd/node-sessions", KeyArnParameter: "/platform/prd/node-sessions/key-arn"}
	}, groupSpec{pool: "general", version: "1.34"}, groupSpec{pool: "batch", version: "1.34", ami: awseksv2.NodegroupAmiType_BOTTLEROCKET_ARM_64, instanceTypes: []string{"c7g.xlarge"}})
	tmpl := constructtest.Template(t, stack)
	resources := (*tmpl.ToJSON())["Resources"].(map[string]any)
	policy := *stack.GetLogicalId(c.NodeSessionPolicy.Node().DefaultChild().(awscdk.CfnResource))

	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("node roles", func(t *testing.T) {
		groups := 0
		for id, ng := range *tmpl.FindResources(jsii.String("AWS::EKS::Nodegroup"), nil) {
			groups++
			roleID := (*ng)["Properties"].(map[string]any)["NodeRole"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			policies, _ := json.Marshal(resources[roleID].(map[string]any)["Properties"].(map[string]any)["ManagedPolicyArns"])
			for _, want := range append(append([]string{}, nodeRolePolicies...), SessionManagerPolicy) {
				if !strings.Contains(string(policies), "/"+want+`"`) {
					t.Errorf("%s: node role %s lacks %s: %s", id, roleID, want, policies)
				}
			}
			if !strings.Contains(string(policies), `{"Ref":"`+policy+`"}`) {
				t.Errorf("%s: node role %s lacks the session policy %s: %s", id, roleID, policy, policies)
			}
		}
		if groups != 2 {
			t.Fatalf("%d node groups, want 2", groups)
		}
	})
	t.Run("SSM Agent may log the session, and nothing else", func(t *testing.T) {
		props := resources[policy].(map[string]any)["Properties"].(map[string]any)
		var doc struct {
			Statement []struct {
				Sid      string
				Effect   string
				Action   any
				Resource any
			}
		}
		data, _ := json.Marshal(props["PolicyDocument"])
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, s := range doc.Statement {
			if s.Effect != "Allow" {
				t.Errorf("%s: %s", s.Sid, s.Effect)
			}
			a, _ := json.Marshal(s.Action)
			r, _ := json.Marshal(s.Resource)
			got[s.Sid] = string(a) + " on " + string(r)
		}
		group := `"arn:aws:logs:ap-northeast-1:111111111111:log-group:/platform/prd/node-sessions`
		for sid, want := range map[string]*regexp.Regexp{
			"WriteSessionLog":     regexp.MustCompile(`^\["logs:CreateLogStream","logs:DescribeLogStreams","logs:PutLogEvents"\] on \[` + regexp.QuoteMeta(group+`","`) + regexp.QuoteMeta(group[1:]+`:*"`) + `\]$`),
			"FindSessionLogGroup": regexp.MustCompile(`^"logs:DescribeLogGroups" on "\*"$`),
			"DecryptSessionData":  regexp.MustCompile(`^"kms:Decrypt" on \{"Ref":"SsmParameterValue[A-Za-z0-9]+"\}$`),
		} {
			if !want.MatchString(got[sid]) {
				t.Errorf("%s: %s, want %s", sid, got[sid], want)
			}
		}
		if len(got) != 3 {
			t.Errorf("statements %v, want the three", got)
		}
		params, _ := json.Marshal((*tmpl.ToJSON())["Parameters"])
		if !strings.Contains(string(params), `"Default":"/platform/prd/node-sessions/key-arn","Type":"AWS::SSM::Parameter::Value\u003cString\u003e"`) {
			t.Errorf("the key is not read from /platform/prd/node-sessions/key-arn at deploy: %s", params)
		}
	})
	t.Run("Bottlerocket keeps its control container", func(t *testing.T) {
		bottlerocket := 0
		for _, ng := range *tmpl.FindResources(jsii.String("AWS::EKS::Nodegroup"), nil) {
			p := (*ng)["Properties"].(map[string]any)
			if !strings.HasPrefix(p["AmiType"].(string), "BOTTLEROCKET") {
				continue
			}
			bottlerocket++
			lt := p["LaunchTemplate"].(map[string]any)["Id"].(map[string]any)["Ref"].(string)
			data := resources[lt].(map[string]any)["Properties"].(map[string]any)["LaunchTemplateData"].(map[string]any)
			if ud, ok := data["UserData"]; ok {
				t.Errorf("launch template %s writes Bottlerocket settings %v: keep [settings.host-containers.control] enabled = true in them, and assert it here", lt, ud)
			}
		}
		if bottlerocket != 1 {
			t.Fatalf("%d Bottlerocket groups, want 1", bottlerocket)
		}
	})
}
