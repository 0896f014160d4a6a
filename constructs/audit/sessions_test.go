package audit

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/logging"
)

func TestNodeSessionLogsPropsValidate(t *testing.T) {
	stack := constructtest.NewStack(t)
	archive := logging.NewLogArchive(stack, "Archive", logging.LogArchiveProps{})
	layout := logging.Layout{Root: "node-sessions/", Keys: []logging.PartitionKey{{Name: "dt"}}}
	fromLogs := logging.NewLogDeliveryStream(stack, "FromLogs", logging.LogDeliveryStreamProps{Name: "prd-node-session-logs", Store: archive.Audit, Layout: layout, FromCloudWatchLogs: true})
	direct := logging.NewLogDeliveryStream(stack, "Direct", logging.LogDeliveryStreamProps{Name: "prd-direct", Store: archive.Audit, Layout: layout})
	valid := NodeSessionLogsProps{LogGroupName: "/platform/prd/node-sessions", RetentionDays: 365, Archive: fromLogs, KeyArnParameter: "/platform/prd/node-sessions/key-arn", IdleSessionTimeoutMinutes: 20}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid props: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*NodeSessionLogsProps)
		want string
	}{
		{"no log group", func(p *NodeSessionLogsProps) { p.LogGroupName = "" }, `logGroupName: must be a log group name (1-512 of A-Za-z0-9 . - _ / #), got ""`},
		{"log group with a space", func(p *NodeSessionLogsProps) { p.LogGroupName = "node sessions" }, `logGroupName: must be a log group name`},
		{"no archive", func(p *NodeSessionLogsProps) { p.Archive = nil }, "archive: required, a LogDeliveryStream made FromCloudWatchLogs"},
		// A direct-put stream would archive gzip inside gzip, and has no
		// role for the subscription.
		{"archive not from CloudWatch Logs", func(p *NodeSessionLogsProps) { p.Archive = direct }, "archive: required, a LogDeliveryStream made FromCloudWatchLogs"},
		{"parameter not a path", func(p *NodeSessionLogsProps) { p.KeyArnParameter = "key-arn" }, `keyArnParameter: must be an SSM parameter path such as /platform/prd/node-sessions/key-arn, got "key-arn"`},
		{"idle timeout beyond Session Manager's", func(p *NodeSessionLogsProps) { p.IdleSessionTimeoutMinutes = 61 }, "idleSessionTimeoutMinutes: must be 1-60, got 61"},
		{"no retention", func(p *NodeSessionLogsProps) { p.RetentionDays = -1 }, "retentionDays: must be >= 1, got -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid
			tc.edit(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

// sessionInputs are the inputs of a Session Manager preferences document
// as its template content holds them.
type sessionInputs struct {
	S3BucketName                string `json:"s3BucketName"`
	CloudWatchLogGroupName      string `json:"cloudWatchLogGroupName"`
	CloudWatchEncryptionEnabled bool   `json:"cloudWatchEncryptionEnabled"`
	CloudWatchStreamingEnabled  bool   `json:"cloudWatchStreamingEnabled"`
	KmsKeyID                    any    `json:"kmsKeyId"`
	RunAsEnabled                bool   `json:"runAsEnabled"`
	IdleSessionTimeout          string `json:"idleSessionTimeout"`
}

// TestNodeSessionLogs: the account's preferences document is the one
// Session Manager reads, of the Standard_Stream schema, and streams every
// session, encrypted with the construct's key, to the construct's
// encrypted log group, whose events all go to the archive's stream.
func TestNodeSessionLogs(t *testing.T) {
	stack := constructtest.NewStack(t)
	archive := logging.NewLogArchive(stack, "Archive", logging.LogArchiveProps{})
	stream := logging.NewLogDeliveryStream(stack, "NodeSessionLogs", logging.LogDeliveryStreamProps{
		Name: "prd-node-session-logs", Store: archive.Audit, FromCloudWatchLogs: true,
		Layout: logging.Layout{Root: "node-sessions/", Keys: []logging.PartitionKey{{Name: "dt"}}},
	})
	s := NewNodeSessionLogs(stack, "NodeSessions", NodeSessionLogsProps{
		LogGroupName: "/platform/prd/node-sessions", Archive: stream, KeyArnParameter: "/platform/prd/node-sessions/key-arn", RetentionDays: 400,
	})
	tmpl := constructtest.Template(t, stack)
	ref := func(c awscdk.CfnResource) string { return *stack.GetLogicalId(c) }
	key := ref(s.Key.Node().DefaultChild().(awscdk.CfnResource))
	group := ref(s.LogGroup.Node().DefaultChild().(awscdk.CfnResource))

	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("preferences log every session, encrypted, to the group", func(t *testing.T) {
		docs := tmpl.FindResources(jsii.String("AWS::SSM::Document"), nil)
		if len(*docs) != 1 {
			t.Fatalf("%d documents, want the preferences", len(*docs))
		}
		for _, d := range *docs {
			props := (*d)["Properties"].(map[string]any)
			for k, want := range map[string]any{"Name": "SSM-SessionManagerRunShell", "DocumentType": "Session", "DocumentFormat": "JSON", "UpdateMethod": "NewVersion"} {
				if props[k] != want {
					t.Errorf("%s = %v, want %v", k, props[k], want)
				}
			}
			data, _ := json.Marshal(props["Content"])
			var content struct {
				SchemaVersion string        `json:"schemaVersion"`
				SessionType   string        `json:"sessionType"`
				Inputs        sessionInputs `json:"inputs"`
			}
			if err := json.Unmarshal(data, &content); err != nil {
				t.Fatal(err)
			}
			if content.SchemaVersion != "1.0" || content.SessionType != "Standard_Stream" {
				t.Errorf("schema %s, session type %s: Session Manager reads preferences from a 1.0 Standard_Stream document", content.SchemaVersion, content.SessionType)
			}
			in := content.Inputs
			if in.CloudWatchLogGroupName != "/platform/prd/node-sessions" || !in.CloudWatchEncryptionEnabled || !in.CloudWatchStreamingEnabled {
				t.Errorf("sessions go to %q (encrypted only: %v, streamed: %v), want streamed to the encrypted group", in.CloudWatchLogGroupName, in.CloudWatchEncryptionEnabled, in.CloudWatchStreamingEnabled)
			}
			if got, _ := json.Marshal(in.KmsKeyID); string(got) != `{"Ref":"`+key+`"}` {
				t.Errorf("session data encrypted with %s, want the construct's key %s", got, key)
			}
			if in.S3BucketName != "" || in.RunAsEnabled || in.IdleSessionTimeout != "20" {
				t.Errorf("S3 bucket %q, Run As %v, idle timeout %q: want no S3 copy, no Run As, 20 minutes", in.S3BucketName, in.RunAsEnabled, in.IdleSessionTimeout)
			}
			if deps, _ := (*d)["DependsOn"].([]any); !strings.Contains(string(mustJSON(deps)), group) {
				t.Errorf("the preferences do not wait for the log group: DependsOn %v", deps)
			}
		}
	})
	t.Run("group encrypted with the key, kept as asked", func(t *testing.T) {
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"Properties": map[string]any{
				"LogGroupName": "/platform/prd/node-sessions", "RetentionInDays": 400,
				"KmsKeyId": map[string]any{"Fn::GetAtt": []any{key, "Arn"}},
			},
			"DeletionPolicy": "Retain",
		})
		tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
			"EnableKeyRotation": true,
			"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Sid":       "AllowCloudWatchLogs",
				"Condition": map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:ap-northeast-1:111111111111:log-group:/platform/prd/node-sessions"}},
			})})}),
		})
	})
	t.Run("every event goes to the archive's stream", func(t *testing.T) {
		streamID := ref(stream.Stream)
		tmpl.HasResource(jsii.String("AWS::Logs::SubscriptionFilter"), map[string]any{
			"Properties": map[string]any{
				"LogGroupName":   map[string]any{"Ref": group},
				"FilterPattern":  "",
				"DestinationArn": map[string]any{"Fn::GetAtt": []any{streamID, "Arn"}},
				"RoleArn":        map[string]any{"Fn::GetAtt": []any{ref(stream.SubscriptionRole.Node().DefaultChild().(awscdk.CfnResource)), "Arn"}},
			},
			// The role may put records before CloudWatch Logs tests it.
			"DependsOn": assertions.Match_ArrayWith(&[]any{assertions.Match_StringLikeRegexp(jsii.String("^NodeSessionLogsSubscriptionRoleDefaultPolicy"))}),
		})
	})
	t.Run("key published for the node roles", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::SSM::Parameter"), map[string]any{
			"Name": "/platform/prd/node-sessions/key-arn", "Type": "String",
			"Value": map[string]any{"Fn::GetAtt": []any{key, "Arn"}},
		})
	})
}

func mustJSON(v any) []byte {
	data, _ := json.Marshal(v)
	return data
}
