package test

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/audit"
	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/stacks"
)

// sessionPreferences is what a Session Manager preferences document's
// content says about logging.
type sessionPreferences struct {
	SchemaVersion string `json:"schemaVersion"`
	SessionType   string `json:"sessionType"`
	Inputs        struct {
		CloudWatchLogGroupName      string `json:"cloudWatchLogGroupName"`
		CloudWatchEncryptionEnabled bool   `json:"cloudWatchEncryptionEnabled"`
		CloudWatchStreamingEnabled  bool   `json:"cloudWatchStreamingEnabled"`
		KmsKeyID                    any    `json:"kmsKeyId"`
	} `json:"inputs"`
}

// bottlerocketControl is Bottlerocket's setting of its control container,
// where SSM Agent runs, in TOML user data.
var bottlerocketControl = regexp.MustCompile(`(?m)^\[settings\.host-containers\.control\]\s*\n(?:[^\[\n].*\n|\s*\n)*?\s*enabled\s*=\s*true\b`)

// TestNodeSessionLogs checks, on every env as it deploys, what the
// operators rely on to audit commands run on the nodes: the account's
// Session Manager preferences log every session, KMS-encrypted, to the
// env's session log group; that group is encrypted with the same key and
// kept as config says; its every event goes to the node session stream,
// into the audit store; every node group's role makes its nodes managed
// instances that may write that group and decrypt with that key (read
// from the parameter the logging stack publishes); and no Bottlerocket
// node turns off the control container SSM Agent runs in.
func TestNodeSessionLogs(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	bottlerocket := 0
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			if !cfg.Logging.NodeSessionLogs.Enabled {
				t.Fatalf("%s ships with node session logs off: the shipped envs log every session", cfg.Name)
			}
			tmpls := envTemplates(t, cfg.Name)
			logging := tmpls[cfg.Name+"-logging"]
			all := logging["Resources"].(map[string]any)
			groupName := stacks.NodeSessionLogGroup(cfg)

			var key, group string
			t.Run("preferences log every session, encrypted, to the group", func(t *testing.T) {
				docs := 0
				for stack, tmpl := range tmpls {
					for id, d := range resourcesOf(tmpl, "AWS::SSM::Document") {
						if stack != cfg.Name+"-logging" || d["Name"] != audit.SessionPreferencesDocument || d["DocumentType"] != "Session" {
							t.Errorf("%s %s: %v %v, want only %s-logging's Session document %s", stack, id, d["Name"], d["DocumentType"], cfg.Name, audit.SessionPreferencesDocument)
							continue
						}
						docs++
						data, _ := json.Marshal(d["Content"])
						var p sessionPreferences
						if err := json.Unmarshal(data, &p); err != nil {
							t.Fatal(err)
						}
						if p.SchemaVersion != "1.0" || p.SessionType != "Standard_Stream" {
							t.Errorf("schema %s, type %s: want Session Manager's 1.0 Standard_Stream", p.SchemaVersion, p.SessionType)
						}
						in := p.Inputs
						if in.CloudWatchLogGroupName != groupName || !in.CloudWatchEncryptionEnabled || !in.CloudWatchStreamingEnabled {
							t.Errorf("sessions go to %q (encrypted groups only: %v, streamed: %v), want streamed to %s, encrypted", in.CloudWatchLogGroupName, in.CloudWatchEncryptionEnabled, in.CloudWatchStreamingEnabled, groupName)
						}
						key = strings.Trim(catalogcheck.Render(in.KmsKeyID), "<>")
						if r, _ := all[key].(map[string]any); r["Type"] != "AWS::KMS::Key" {
							t.Errorf("session data encrypted with %v, not a key of %s-logging", in.KmsKeyID, cfg.Name)
						}
					}
				}
				if docs != 1 {
					t.Fatalf("%d preferences documents, want 1: an account holds one", docs)
				}
			})
			t.Run("the group is encrypted with the key and kept", func(t *testing.T) {
				for id, g := range resourcesOf(logging, "AWS::Logs::LogGroup") {
					if g["LogGroupName"] == groupName {
						group = id
						if got := catalogcheck.Render(g["KmsKeyId"]); got != "<"+key+".Arn>" {
							t.Errorf("group encrypted with %s, want the sessions' key %s", got, key)
						}
						days := int(g["RetentionInDays"].(float64))
						if days < cfg.Logging.NodeSessionLogs.RetentionDays || cfg.Protection.TerminationProtection && days < envs.MinProductionLogRetentionDays {
							t.Errorf("sessions kept %d days; config asks %d", days, cfg.Logging.NodeSessionLogs.RetentionDays)
						}
					}
				}
				if group == "" {
					t.Fatalf("no log group %s in %s-logging", groupName, cfg.Name)
				}
				if r := all[key].(map[string]any); r["Properties"].(map[string]any)["EnableKeyRotation"] != true {
					t.Errorf("key %s does not rotate", key)
				}
			})
			t.Run("every event goes to the audit store", func(t *testing.T) {
				streams := catalogcheck.Resources(all).Streams()
				sessions := streams[cfg.Name+"-node-session-logs"]
				if sessions == nil || !strings.HasPrefix(sessions["Prefix"].(string), "node-sessions/") {
					t.Fatalf("no stream %s-node-session-logs writing node-sessions/", cfg.Name)
				}
				// The audit bucket is the one CloudTrail writes to.
				var auditBucket string
				for _, tr := range resourcesOf(logging, "AWS::CloudTrail::Trail") {
					auditBucket = catalogcheck.Render(tr["S3BucketName"])
				}
				if got := catalogcheck.Render(sessions["BucketARN"]); got != strings.TrimSuffix(auditBucket, ">")+".Arn>" {
					t.Errorf("sessions archived in %s, want the audit bucket %s", got, auditBucket)
				}
				var streamID string
				for id, s := range resourcesOf(logging, "AWS::KinesisFirehose::DeliveryStream") {
					if s["DeliveryStreamName"] == cfg.Name+"-node-session-logs" {
						streamID = id
					}
				}
				filters := 0
				for id, f := range resourcesOf(logging, "AWS::Logs::SubscriptionFilter") {
					if catalogcheck.Render(f["LogGroupName"]) != "<"+group+">" {
						continue
					}
					filters++
					if catalogcheck.Render(f["DestinationArn"]) != "<"+streamID+".Arn>" || f["FilterPattern"] != "" {
						t.Errorf("%s sends %q of the sessions to %s, want all to %s", id, f["FilterPattern"], catalogcheck.Render(f["DestinationArn"]), streamID)
					}
				}
				if filters != 1 {
					t.Errorf("%d subscriptions on %s, want 1", filters, groupName)
				}
			})
			t.Run("node roles may log sessions", func(t *testing.T) {
				published := false
				for _, p := range resourcesOf(logging, "AWS::SSM::Parameter") {
					if p["Name"] == stacks.NodeSessionKeyParameter(cfg) && catalogcheck.Render(p["Value"]) == "<"+key+".Arn>" {
						published = true
					}
				}
				if !published {
					t.Fatalf("%s-logging does not publish the key %s as %s", cfg.Name, key, stacks.NodeSessionKeyParameter(cfg))
				}
				groupArn := "arn:aws:logs:" + cfg.Region + ":" + cfg.Account + ":log-group:" + groupName
				for _, cl := range cfg.Clusters {
					stack := cfg.Name + "-cluster-" + cl.Name
					tmpl := tmpls[stack]
					res := tmpl["Resources"].(map[string]any)
					params, _ := tmpl["Parameters"].(map[string]any)
					groups := 0
					for id, ng := range resourcesOf(tmpl, "AWS::EKS::Nodegroup") {
						groups++
						role := strings.TrimSuffix(strings.Trim(catalogcheck.Render(ng["NodeRole"]), "<>"), ".Arn")
						arns, _ := res[role].(map[string]any)["Properties"].(map[string]any)["ManagedPolicyArns"].([]any)
						var rendered []string
						for _, a := range arns {
							rendered = append(rendered, catalogcheck.Render(a))
						}
						if !slices.ContainsFunc(rendered, func(a string) bool { return strings.HasSuffix(a, ":iam::aws:policy/"+cluster.SessionManagerPolicy) }) {
							t.Errorf("%s %s: node role %s lacks %s: %v", stack, id, role, cluster.SessionManagerPolicy, rendered)
						}
						var grants []string
						for _, a := range rendered {
							r, _ := res[strings.Trim(a, "<>")].(map[string]any)
							if r["Type"] != "AWS::IAM::ManagedPolicy" {
								continue
							}
							var doc struct {
								Statement []struct{ Action, Resource any }
							}
							data, _ := json.Marshal(r["Properties"].(map[string]any)["PolicyDocument"])
							json.Unmarshal(data, &doc)
							for _, s := range doc.Statement {
								actions, resources := list(s.Action), list(s.Resource)
								for _, a := range actions {
									for _, r := range resources {
										rr := catalogcheck.Render(r)
										if p, ok := params[strings.Trim(rr, "<>")].(map[string]any); ok {
											rr = "parameter:" + catalogcheck.Render(p["Default"])
										}
										grants = append(grants, catalogcheck.Render(a)+" "+rr)
									}
								}
							}
						}
						for _, want := range []string{
							"logs:CreateLogStream " + groupArn + ":*", "logs:PutLogEvents " + groupArn + ":*",
							"logs:DescribeLogGroups *",
							"kms:Decrypt parameter:" + stacks.NodeSessionKeyParameter(cfg),
						} {
							if !slices.Contains(grants, want) {
								t.Errorf("%s %s: node role %s may not %s; it may %v", stack, id, role, want, grants)
							}
						}
						if !strings.HasPrefix(catalogcheck.Render(ng["AmiType"]), "BOTTLEROCKET") {
							continue
						}
						bottlerocket++
						lt := strings.Trim(catalogcheck.Render(ng["LaunchTemplate"].(map[string]any)["Id"]), "<>")
						data := res[lt].(map[string]any)["Properties"].(map[string]any)["LaunchTemplateData"].(map[string]any)
						if ud, ok := data["UserData"]; ok {
							if !controlContainerOn(ud) {
								t.Errorf("%s %s: launch template %s writes Bottlerocket settings without [settings.host-containers.control] enabled = true: SSM Agent would not run", stack, id, lt)
							}
						}
					}
					if groups == 0 {
						t.Errorf("%s: no node groups checked", stack)
					}
				}
			})
		})
	}
	if bottlerocket == 0 {
		t.Error("no Bottlerocket node group in any shipped env: the control container check checked nothing")
	}
}

// list is an IAM Action or Resource as a list.
func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// controlContainerOn reads Bottlerocket user data (TOML, base64 as a
// launch template holds it) and reports whether it keeps the control
// container on explicitly: settings the platform would write must say so.
func controlContainerOn(userData any) bool {
	s, ok := userData.(string)
	if !ok {
		if m, isMap := userData.(map[string]any); isMap {
			s, ok = m["Fn::Base64"].(string)
			if ok {
				return bottlerocketControl.MatchString(s + "\n")
			}
		}
		return false
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	return bottlerocketControl.MatchString(string(data) + "\n")
}

// TestBottlerocketControlSetting: the check of Bottlerocket settings sees
// the control container kept on, and nothing else.
func TestBottlerocketControlSetting(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		name     string
		userData any
		on       bool
	}{
		{"on", b64("[settings.host-containers.control]\nenabled = true\n"), true},
		{"on among other settings", b64("[settings.kubernetes]\nmax-pods = 58\n\n[settings.host-containers.control]\nsuperpowered = false\nenabled = true\n"), true},
		{"on, in Fn::Base64", map[string]any{"Fn::Base64": "[settings.host-containers.control]\nenabled = true"}, true},
		{"off", b64("[settings.host-containers.control]\nenabled = false\n"), false},
		{"the admin container's, not the control's", b64("[settings.host-containers.admin]\nenabled = true\n[settings.host-containers.control]\nenabled = false\n"), false},
		{"settings without it", b64("[settings.kubernetes]\nmax-pods = 58\n"), false},
		{"not base64", "[settings.host-containers.control]", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := controlContainerOn(tc.userData); got != tc.on {
				t.Errorf("controlContainerOn = %v, want %v", got, tc.on)
			}
		})
	}
}
