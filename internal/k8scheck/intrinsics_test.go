package k8scheck

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"a literal", "kube-system", "kube-system"},
		{"a number", 8080.0, "8080"},
		{"a Ref", map[string]any{"Ref": "ExternalTargetsCanary565E9DAF"}, "cfn-ref-externaltargetscanary565e9daf"},
		{"a pseudo parameter", map[string]any{"Ref": "AWS::Partition"}, "aws"},
		{"a GetAtt", map[string]any{"Fn::GetAtt": []any{"ExternalSecurityGroup4138FA69", "GroupId"}}, "cfn-getatt-externalsecuritygroup4138fa69-groupid"},
		{"an import", map[string]any{"Fn::ImportValue": "stg-network:ExportsOutputRefNetworkVpc7FB7348F649FC110"}, "cfn-import-stg-network-exportsoutputrefnetworkvpc7fb7348f649fc1"},
		{"JSON joined around a token", map[string]any{"Fn::Join": []any{"", []any{`{"vpcId":"`, map[string]any{"Ref": "Vpc"}, `"}`}}}, `{"vpcId":"cfn-ref-vpc"}`},
		{"a Sub", map[string]any{"Fn::Sub": []any{"${Name}.${AWS::URLSuffix}/${Other}${!Literal}", map[string]any{"Name": "api"}}}, "api.amazonaws.com/cfn-sub-other${Literal}"},
		{"a Select", map[string]any{"Fn::Select": []any{"1", []any{"a", "b"}}}, "b"},
		{"an If checks the true branch", map[string]any{"Fn::If": []any{"IsPrd", "a", "b"}}, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(tc.in); got != tc.want {
				t.Fatalf("render() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPlaceholdersAreValidNames: a token in a name or label value must not
// be a finding of its own.
func TestPlaceholdersAreValidNames(t *testing.T) {
	long := map[string]any{"Fn::GetAtt": []any{strings.Repeat("VeryLongLogicalId", 8), "Arn"}}
	for _, p := range []string{render(long), render(map[string]any{"Ref": "A-"}), placeholder("x_y")} {
		if errs := append(validation.IsDNS1123Label(p), validation.IsValidLabelValue(p)...); len(errs) > 0 {
			t.Errorf("placeholder %q: %v", p, errs)
		}
	}
}

func TestClusterOf(t *testing.T) {
	ix := newIndex(env(map[string]any{
		"Unnamed": cfnResource("AWS::EKS::Cluster", map[string]any{}),
		"Role":    cfnResource("AWS::IAM::Role", map[string]any{}),
	}, map[string]any{}))
	for _, tc := range []struct {
		name, stack string
		in          any
		want, err   string
	}{
		{"a literal name", edgeStack, "prd-blue", "prd-blue", ""},
		{"a Ref to the cluster", clusterStack, map[string]any{"Ref": clusterID}, clusterName, ""},
		{"an import of the cluster stack's export", edgeStack, map[string]any{"Fn::ImportValue": clusterRef}, clusterName, ""},
		{"a cluster CloudFormation names", clusterStack, map[string]any{"Ref": "Unnamed"}, clusterStack + "/Unnamed", ""},
		{"a Ref to something else", clusterStack, map[string]any{"Ref": "Role"}, "", "ClusterName refers to Role, not to an AWS::EKS::Cluster"},
		{"no ClusterName", clusterStack, nil, "", "can't tell which cluster"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ix.clusterOf(tc.stack, tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("clusterOf() error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("clusterOf() = %q, %v, want %q", got, err, tc.want)
			}
		})
	}
}
