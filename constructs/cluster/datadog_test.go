package cluster

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/spec"
)

const testSecretArn = "arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:test/datadog/api-key-AbC123"

func TestDatadogPropsValidate(t *testing.T) {
	valid := DatadogProps{ApiKeySecretArn: testSecretArn, ApiKeyField: "apiKey", Site: "datadoghq.com", Env: "stg"}
	for _, tc := range []struct {
		name, want string
		edit       func(*DatadogProps)
	}{
		{"a name, not an ARN", `apiKeySecretArn: must be a Secrets Manager secret's full ARN`, func(p *DatadogProps) { p.ApiKeySecretArn = "stg/datadog/api-key" }},
		{"a partial ARN", `apiKeySecretArn: must be a Secrets Manager secret's full ARN`, func(p *DatadogProps) {
			p.ApiKeySecretArn = "arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:stg/datadog/*"
		}},
		{"the key itself", `apiKeySecretArn: must be a Secrets Manager secret's full ARN`, func(p *DatadogProps) { p.ApiKeySecretArn = "0123456789abcdef0123456789abcdef" }},
		{"no field", `apiKeyField: must be a JSON field name of the secret, got ""`, func(p *DatadogProps) { p.ApiKeyField = "" }},
		{"unknown site", `site: must be one of`, func(p *DatadogProps) { p.Site = "datadoghq.co" }},
		{"env not a tag value", `env: must be a Datadog tag value`, func(p *DatadogProps) { p.Env = "Prod Env" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid
			tc.edit(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := valid.Validate(); err != nil {
		t.Errorf("valid props: %v", err)
	}
}

// TestDatadog checks what a user of the Agent relies on: the pinned chart,
// APM, the env and cluster tags, and the API key as a reference only, read
// by roles that may read that one secret.
func TestDatadog(t *testing.T) {
	stack, c := newClusterStack(t, "1.35")
	dd := c.AddDatadog(DatadogProps{ApiKeySecretArn: testSecretArn, Env: "stg"})
	tmpl := constructtest.Template(t, stack)
	h, ok := helmReleases(t, tmpl)[DatadogRelease]
	if !ok {
		t.Fatal("no datadog release")
	}
	if h.Chart != "datadog" || h.Version != DatadogChartVersion || h.Repository != DatadogChartRepository || h.Namespace != spec.DatadogNamespace {
		t.Errorf("release is chart %s %s from %s in %s", h.Chart, h.Version, h.Repository, h.Namespace)
	}
	for path, want := range map[string]any{
		"datadog.apiKeyExistingSecret":                        DatadogApiKeySecret,
		"datadog.secretBackend.type":                          "aws.secrets",
		"datadog.secretBackend.enableGlobalPermissions":       false,
		"datadog.secretBackend.config.aws_session.aws_region": constructtest.Region,
		"datadog.site":            "datadoghq.com",
		"datadog.clusterName":     "test-blue",
		"datadog.apm.portEnabled": true,
		"agents.image.tag":        DatadogAgentVersion,
		"clusterAgent.image.tag":  DatadogAgentVersion,
	} {
		if got := value(h.Values, path); got != want {
			t.Errorf("values.%s = %v, want %v", path, got, want)
		}
	}
	if tags, _ := json.Marshal(value(h.Values, "datadog.tags")); string(tags) != `["env:stg","cluster:test-blue"]` {
		t.Errorf("datadog.tags = %s, want the env and the cluster", tags)
	}
	t.Run("the key is a reference only", func(t *testing.T) {
		// No API key value anywhere: not in the chart's values (apiKey,
		// appKey), not as a 32-hex-digit string in the template.
		for _, k := range []string{"datadog.apiKey", "datadog.appKey"} {
			if v := value(h.Values, k); v != nil {
				t.Errorf("values.%s = %v: the key would be in the template", k, v)
			}
		}
		body, _ := json.Marshal(tmpl.ToJSON())
		if m := regexp.MustCompile(`\b[0-9a-f]{32}\b`).FindAllString(string(body), -1); len(m) > 0 {
			t.Errorf("32-hex-digit strings (a Datadog API key's shape) in the template: %v", m)
		}
		secret := manifestObject(t, tmpl, "Secret", DatadogApiKeySecret)
		data, _ := secret["stringData"].(map[string]any)
		if len(data) != 1 || data[DatadogApiKeySecretK] != "ENC["+testSecretArn+";apiKey]" || secret["data"] != nil {
			t.Errorf("Secret %s holds %v, want only the handle ENC[<arn>;apiKey]", DatadogApiKeySecret, secret)
		}
	})
	t.Run("roles read that one secret, through Pod Identity", func(t *testing.T) {
		if len(dd.Roles) != 2 {
			t.Errorf("roles for %d service accounts, want 2", len(dd.Roles))
		}
		found := 0
		for id, r := range *tmpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
			doc, _ := json.Marshal((*r)["Properties"].(map[string]any)["PolicyDocument"])
			if !strings.Contains(string(doc), "secretsmanager") {
				continue
			}
			if !strings.HasPrefix(id, "ClusterDatadog") {
				continue
			}
			found++
			var pd struct{ Statement []statement }
			json.Unmarshal(doc, &pd)
			if len(pd.Statement) != 1 || !slices.Equal(pd.Statement[0].Action, []string{"secretsmanager:GetSecretValue"}) ||
				len(pd.Statement[0].Resource) != 1 || pd.Statement[0].Resource[0] != any(testSecretArn) {
				t.Errorf("%s: %s, want GetSecretValue on %s alone", id, doc, testSecretArn)
			}
		}
		if found != 2 {
			t.Errorf("%d Datadog policies read the secret, want 2 (node Agent, Cluster Agent)", found)
		}
		var accounts []string
		for _, r := range *tmpl.FindResources(jsii.String("AWS::EKS::PodIdentityAssociation"), nil) {
			p := (*r)["Properties"].(map[string]any)
			if p["Namespace"] == spec.DatadogNamespace {
				accounts = append(accounts, catalogcheck.Render(p["ServiceAccount"]))
			}
		}
		slices.Sort(accounts)
		if want := []string{DatadogAgentServiceAccount, DatadogClusterAgentServiceAccount}; !slices.Equal(accounts, want) {
			t.Errorf("Pod Identity associations in %s for %v, want %v", spec.DatadogNamespace, accounts, want)
		}
	})
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
}

// manifestObject is the object of kind and name the template applies.
func manifestObject(t *testing.T, tmpl assertions.Template, kind, name string) map[string]any {
	t.Helper()
	for _, r := range *tmpl.FindResources(jsii.String("Custom::AWSCDK-EKS-KubernetesResource"), nil) {
		var objects []map[string]any
		if err := json.Unmarshal([]byte(catalogcheck.Render((*r)["Properties"].(map[string]any)["Manifest"])), &objects); err != nil {
			t.Fatal(err)
		}
		for _, o := range objects {
			if o["kind"] == kind && o["metadata"].(map[string]any)["name"] == name {
				return o
			}
		}
	}
	t.Fatalf("no %s %s", kind, name)
	return nil
}
