package cluster

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

func TestFalcoPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props FalcoProps
		want  string
	}{
		{"no group", FalcoProps{MinPriority: "notice"}, `alertingLogGroup: must be a log group name, got ""`},
		{"a group name with a space", FalcoProps{AlertingLogGroup: "/platform/prd alerting", MinPriority: "notice"}, "alertingLogGroup: must be a log group name"},
		{"no priority", FalcoProps{AlertingLogGroup: "/platform/prd/alerting"}, `minPriority: must be one of [emergency alert critical error warning notice informational debug], got ""`},
		// As Falco writes it in an event, not as its configuration takes it.
		{"an event's spelling", FalcoProps{AlertingLogGroup: "/platform/prd/alerting", MinPriority: "Notice"}, `got "Notice"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.props.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := (FalcoProps{AlertingLogGroup: "/platform/prd/alerting", MinPriority: "notice"}).Validate(); err != nil {
		t.Errorf("valid props: %v", err)
	}
}

// helmValues are a HelmChart's values as the template holds them (JSON
// text, tokens rendered as placeholders by constructtest).
func helmValues(t *testing.T, tmpl assertions.Template, chart string) (map[string]any, map[string]any) {
	t.Helper()
	for _, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-HelmChart"), nil) {
		props := (*r)["Properties"].(map[string]any)
		if props["Chart"] != chart {
			continue
		}
		var values map[string]any
		text, ok := props["Values"].(string)
		if !ok {
			data, _ := json.Marshal(props["Values"])
			t.Fatalf("chart %s: values are not plain JSON text: %s", chart, data)
		}
		if err := json.Unmarshal([]byte(text), &values); err != nil {
			t.Fatal(err)
		}
		return props, values
	}
	t.Fatalf("no release of chart %s", chart)
	return nil, nil
}

func dig(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// TestFalco: what a cluster's Falco deploys, as its users rely on it.
func TestFalco(t *testing.T) {
	stack, c := newClusterStack(t, "1.34")
	c.AddFalco(FalcoProps{AlertingLogGroup: "/platform/test/alerting", MinPriority: "warning"})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })

	t.Run("Falco's chart is pinned, with the modern eBPF probe and no downloads", func(t *testing.T) {
		props, values := helmValues(t, tmpl, "falco")
		for k, want := range map[string]any{"Repository": FalcoChartRepository, "Version": FalcoChartVersion, "Release": "falco", "Namespace": spec.FalcoNamespace} {
			if props[k] != want {
				t.Errorf("%s = %v, want %v", k, props[k], want)
			}
		}
		for _, tc := range []struct {
			path []string
			want any
		}{
			{[]string{"driver", "kind"}, "modern_ebpf"},
			{[]string{"image", "tag"}, FalcoVersion},
			{[]string{"image", "registry"}, "public.ecr.aws"},
			{[]string{"falcoctl", "artifact", "install", "enabled"}, false},
			{[]string{"falcoctl", "artifact", "follow", "enabled"}, false},
			{[]string{"falco", "json_output"}, true},
			{[]string{"falco", "json_include_output_fields_property"}, true},
			{[]string{"falco", "json_include_tags_property"}, true},
			{[]string{"falco", "stdout_output", "enabled"}, true},
			{[]string{"falco", "priority"}, "debug"},
			{[]string{"podPriorityClassName"}, "system-node-critical"},
			{[]string{"falco", "http_output", "enabled"}, true},
			{[]string{"falco", "http_output", "url"}, "http://falcosidekick.falco.svc.cluster.local:2801/"},
		} {
			if got := dig(values, tc.path...); got != tc.want {
				t.Errorf("values.%s = %v, want %v", strings.Join(tc.path, "."), got, tc.want)
			}
		}
		// Every node, tainted or not.
		tol, _ := values["tolerations"].([]any)
		if len(tol) != 1 || dig(tol[0].(map[string]any), "operator") != "Exists" || dig(tol[0].(map[string]any), "key") != nil {
			t.Errorf("tolerations = %v, want one that tolerates every taint", tol)
		}
	})

	t.Run("Falcosidekick writes the cluster's stream of the alerting group", func(t *testing.T) {
		props, values := helmValues(t, tmpl, "falcosidekick")
		if props["Version"] != FalcosidekickChartVersion || props["Namespace"] != spec.FalcoNamespace || props["Release"] != "falcosidekick" {
			t.Errorf("release %v %v/%v, want %s falco/falcosidekick", props["Version"], props["Namespace"], props["Release"], FalcosidekickChartVersion)
		}
		cw := dig(values, "config", "aws", "cloudwatchlogs").(map[string]any)
		for k, want := range map[string]any{"loggroup": "/platform/test/alerting", "logstream": "test-blue.falco", "minimumpriority": "warning"} {
			if cw[k] != want {
				t.Errorf("cloudwatchlogs.%s = %v, want %v", k, cw[k], want)
			}
		}
		if dig(values, "image", "tag") != FalcosidekickVersion || dig(values, "config", "aws", "useirsa") != true {
			t.Errorf("image %v, useirsa %v", dig(values, "image"), dig(values, "config", "aws", "useirsa"))
		}
		tmpl.HasResourceProperties(jsii.String("AWS::Logs::LogStream"), map[string]any{
			"LogGroupName": "/platform/test/alerting", "LogStreamName": "test-blue.falco",
		})
	})

	t.Run("Falcosidekick's role may put events into its stream and nothing else", func(t *testing.T) {
		var found []statement
		for id, r := range *tmpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
			if !strings.HasPrefix(id, "ClusterFalcoRole") {
				continue
			}
			data, _ := json.Marshal((*r)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)["Statement"])
			var ss []statement
			if err := json.Unmarshal(data, &ss); err != nil {
				t.Fatal(err)
			}
			found = append(found, ss...)
		}
		if len(found) != 1 {
			t.Fatalf("%d statements, want 1: %+v", len(found), found)
		}
		s := found[0]
		if s.Effect != "Allow" || len(s.Action) != 1 || s.Action[0] != "logs:PutLogEvents" || len(s.Resource) != 1 {
			t.Fatalf("statement %+v, want PutLogEvents on one resource", s)
		}
		arn, _ := json.Marshal(s.Resource[0])
		if !strings.Contains(string(arn), ":log-group:/platform/test/alerting:log-stream:test-blue.falco") || strings.Contains(string(arn), "*") {
			t.Errorf("resource %s, want the test-blue.falco stream of /platform/test/alerting", arn)
		}
		for _, r := range *tmpl.FindResources(jsii.String("AWS::IAM::Role"), nil) {
			p := (*r)["Properties"].(map[string]any)
			if d, _ := p["Description"].(string); strings.HasPrefix(d, "Falcosidekick") {
				if p["ManagedPolicyArns"] != nil {
					t.Errorf("the role has managed policies: %v", p["ManagedPolicyArns"])
				}
			}
		}
	})

	t.Run("the role is Falcosidekick's service account's alone", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::EKS::PodIdentityAssociation"), map[string]any{
			"Namespace": spec.FalcoNamespace, "ServiceAccount": "falcosidekick",
		})
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{
				"Action": []any{"sts:AssumeRole", "sts:TagSession"}, "Effect": "Allow",
				"Principal": map[string]any{"Service": PodIdentityService},
				"Condition": map[string]any{"StringEquals": assertions.Match_ObjectLike(&map[string]any{
					"aws:RequestTag/" + SessionTagNamespace:      spec.FalcoNamespace,
					"aws:RequestTag/" + SessionTagServiceAccount: "falcosidekick",
				})},
			}}},
		})
	})

	t.Run("Falco's namespace admits its privileged pods", func(t *testing.T) {
		var ns map[string]any
		for _, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-KubernetesResource"), nil) {
			text, _ := (*r)["Properties"].(map[string]any)["Manifest"].(string)
			var objs []map[string]any
			if json.Unmarshal([]byte(text), &objs) == nil && len(objs) == 1 && objs[0]["kind"] == "Namespace" && dig(objs[0], "metadata", "name") == spec.FalcoNamespace {
				ns = objs[0]
			}
		}
		if got := dig(ns, "metadata", "labels", "pod-security.kubernetes.io/enforce"); got != "privileged" {
			t.Errorf("namespace falco enforces %v, want privileged (Falco runs privileged with host PID)", got)
		}
	})

	t.Run("a cluster without a name has no stream to write", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "physical name") {
				t.Errorf("AddFalco on a nameless cluster: %v", r)
			}
		}()
		(&Cluster{Construct: c.Construct}).AddFalco(FalcoProps{AlertingLogGroup: "/platform/test/alerting", MinPriority: "notice"})
	})
}
