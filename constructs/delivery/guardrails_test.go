package delivery

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
)

// maxManagedPolicyChars is IAM's limit on a managed policy document,
// whitespace not counted.
const maxManagedPolicyChars = 6144

func TestDeployGuardrails(t *testing.T) {
	stack := constructtest.NewStack(t)
	NewDeployGuardrails(stack, "Guardrails", DeployGuardrailsProps{Prefix: "prd"})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })

	policies := map[string][]map[string]any{}
	for _, r := range *tmpl.FindResources(jsii.String("AWS::IAM::ManagedPolicy"), nil) {
		p := (*r)["Properties"].(map[string]any)
		doc := p["PolicyDocument"].(map[string]any)
		raw, _ := json.Marshal(doc)
		if n := len(raw); n > maxManagedPolicyChars {
			t.Errorf("%s is %d characters, IAM takes %d", p["ManagedPolicyName"], n, maxManagedPolicyChars)
		}
		for _, s := range doc["Statement"].([]any) {
			policies[p["ManagedPolicyName"].(string)] = append(policies[p["ManagedPolicyName"].(string)], s.(map[string]any))
		}
	}
	sid := func(policy, id string) map[string]any {
		for _, s := range policies[policy] {
			if s["Sid"] == id {
				return s
			}
		}
		t.Fatalf("%s has no statement %s", policy, id)
		return nil
	}
	list := func(v any) []string {
		switch x := v.(type) {
		case string:
			return []string{x}
		case []any:
			var out []string
			for _, e := range x {
				out = append(out, fmt.Sprint(e))
			}
			return out
		}
		return []string{fmt.Sprint(v)}
	}
	boundary := "arn:aws:iam::111111111111:policy/prd-platform-boundary"

	t.Run("execution policy: no admin, IAM only with the boundary", func(t *testing.T) {
		for _, s := range policies["prd-cdk-execution"] {
			if s["Effect"] != "Allow" {
				continue
			}
			for _, a := range list(s["Action"]) {
				if a == "*" || a == "iam:*" || strings.HasPrefix(a, "sts:") || strings.HasPrefix(a, "organizations:") {
					t.Errorf("%s allows %s", s["Sid"], a)
				}
			}
		}
		create := sid("prd-cdk-execution", "RolesOnlyWithTheBoundary")
		if !slices.Contains(list(create["Action"]), "iam:CreateRole") || !strings.Contains(fmt.Sprint(create["Condition"]), boundary) {
			t.Errorf("roles are created without the boundary condition: %v", create)
		}
		manage := sid("prd-cdk-execution", "ManagePlatformRoles")
		if got := list(manage["Resource"]); len(got) != 1 || got[0] != "arn:aws:iam::111111111111:role/prd-*" {
			t.Errorf("role management and PassRole reach %v, want the env's own roles only", got)
		}
		deny := sid("prd-cdk-execution", "GuardrailsUnchanged")
		for _, want := range []string{boundary, "policy/prd-cdk-execution", "role/prd-github-*", "oidc-provider/token.actions.githubusercontent.com"} {
			if !strings.Contains(fmt.Sprint(deny["Resource"]), want) || deny["Effect"] != "Deny" {
				t.Errorf("the execution policy does not deny changes to %s: %v", want, deny)
			}
		}
	})
	t.Run("boundary: no escape, no credentials, guardrails kept", func(t *testing.T) {
		escape := sid("prd-platform-boundary", "RolesOnlyWithTheBoundary")
		if escape["Effect"] != "Deny" || !strings.Contains(fmt.Sprint(escape["Condition"]), "StringNotEquals") || !strings.Contains(fmt.Sprint(escape["Condition"]), boundary) {
			t.Errorf("a role could create a role without the boundary: %v", escape)
		}
		for _, s := range []string{"KeepTheBoundary", "NoLongLivedCredentials", "GuardrailsUnchanged", "NotTheOrganization", "AuditStaysOn"} {
			if sid("prd-platform-boundary", s)["Effect"] != "Deny" {
				t.Errorf("%s is not a Deny", s)
			}
		}
		if !slices.Contains(list(sid("prd-platform-boundary", "NoLongLivedCredentials")["Action"]), "iam:CreateAccessKey") {
			t.Error("the boundary lets a role create access keys")
		}
	})
}

func TestServiceOf(t *testing.T) {
	for in, want := range map[string]string{"AWS::EC2::VPC": "EC2", "AWS::ElasticLoadBalancingV2::Listener": "ElasticLoadBalancingV2", "Custom::VpcRestrictDefaultSG": "", "AWS::CDK::Metadata::X": ""} {
		if got := ServiceOf(in); got != want {
			t.Errorf("ServiceOf(%s) = %q, want %q", in, got, want)
		}
	}
}
