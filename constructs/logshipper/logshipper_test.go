package logshipper

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/constructs/network"
	"github.com/ecplatform/eks-platform/spec"
)

var streams = []*string{
	jsii.String("arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/prd-app-logs"),
	jsii.String("arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/prd-node-logs"),
}

// newCluster builds a VPC and a 1.34 cluster named test-blue, as the
// cluster stacks do.
func newCluster(t *testing.T) (awscdk.Stack, *cluster.Cluster) {
	t.Helper()
	stack := constructtest.NewStack(t)
	net := network.NewNetwork(stack, "Network", network.NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
	v, _ := spec.LookupVersion("1.34")
	layer := awslambda.NewLayerVersion(stack, jsii.String("KubectlLayer"), &awslambda.LayerVersionProps{
		Code: awslambda.Code_FromAsset(jsii.String("../../node_modules/"+v.KubectlLayerPackage+"/lib/layer.zip"), nil),
	})
	c := cluster.NewCluster(stack, "Cluster", cluster.ClusterProps{
		Vpc: net.Vpc, Version: "1.34", KubectlLayer: layer, Name: "test-blue",
		AdminRoleArns: []string{"arn:aws:iam::111111111111:role/platform-admin"},
	})
	return stack, c
}

// TestLogShipper: the add-on runs what the routing tests simulate, at the
// pinned version, with a role its service account alone assumes through
// Pod Identity, writing to the archive's two streams only, and with
// Container Insights' log group created encrypted, kept a week and
// retained by default.
func TestLogShipper(t *testing.T) {
	stack, c := newCluster(t)
	NewLogShipper(c.Construct, "LogShipper", LogShipperProps{Cluster: c, LogKey: c.LogKey, Routes: prdRoutes, StreamArns: streams})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })

	var shipper map[string]any
	for _, a := range *tmpl.FindResources(jsii.String("AWS::EKS::Addon"), nil) {
		if (*a)["Properties"].(map[string]any)["AddonName"] == spec.AddonCloudWatchObservability {
			shipper = *a
		}
	}
	if shipper == nil {
		t.Fatal("no amazon-cloudwatch-observability add-on")
	}
	p := shipper["Properties"].(map[string]any)
	t.Run("the pinned add-on, running the routes' Fluent Bit files", func(t *testing.T) {
		if p["AddonVersion"] != c.Version.Addons[spec.AddonCloudWatchObservability] {
			t.Errorf("add-on version %v, want the pinned %s", p["AddonVersion"], c.Version.Addons[spec.AddonCloudWatchObservability])
		}
		var values struct {
			ContainerLogs struct {
				Enabled   bool
				FluentBit struct {
					Config struct{ ExtraFiles map[string]string }
				}
			}
		}
		if err := json.Unmarshal([]byte(p["ConfigurationValues"].(string)), &values); err != nil {
			t.Fatal(err)
		}
		if !values.ContainerLogs.Enabled || !maps.Equal(values.ContainerLogs.FluentBit.Config.ExtraFiles, prdRoutes.FluentBitFiles()) {
			t.Errorf("the add-on's Fluent Bit files are not the routes' files: %+v", values)
		}
	})
	t.Run("its role, for its service account alone, through Pod Identity", func(t *testing.T) {
		assocs, _ := p["PodIdentityAssociations"].([]any)
		if len(assocs) != 1 || assocs[0].(map[string]any)["ServiceAccount"] != spec.ObservabilityServiceAccount {
			t.Fatalf("Pod Identity associations %v, want one for %s", assocs, spec.ObservabilityServiceAccount)
		}
		roleID := assocs[0].(map[string]any)["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
		role := (*tmpl.ToJSON())["Resources"].(map[string]any)[roleID].(map[string]any)["Properties"].(map[string]any)
		trust, _ := json.Marshal(role["AssumeRolePolicyDocument"])
		for _, want := range []string{
			`"Service":"` + cluster.PodIdentityService + `"`,
			`"aws:RequestTag/kubernetes-namespace":"` + spec.ObservabilityNamespace + `"`,
			`"aws:RequestTag/kubernetes-service-account":"` + spec.ObservabilityServiceAccount + `"`,
			`"aws:RequestTag/eks-cluster-arn"`,
		} {
			if !strings.Contains(string(trust), want) {
				t.Errorf("%s trusts %s, without %s", roleID, trust, want)
			}
		}
		if policies, _ := json.Marshal(role["ManagedPolicyArns"]); !strings.Contains(string(policies), ":iam::aws:policy/CloudWatchAgentServerPolicy\"") {
			t.Errorf("%s has %s, want CloudWatchAgentServerPolicy", roleID, policies)
		}
		agent := c.Addons[spec.AddonPodIdentityAgent].Node().DefaultChild().(awscdk.CfnResource).LogicalId()
		if deps, _ := shipper["DependsOn"].([]any); !slices.Contains(deps, stack.Resolve(agent)) {
			t.Errorf("add-on does not wait for the Pod Identity agent: DependsOn %v", deps)
		}
		tmpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{map[string]any{
				"Sid": "ShipToArchive", "Effect": "Allow", "Action": []any{"firehose:PutRecord", "firehose:PutRecordBatch"}, "Resource": []any{*streams[0], *streams[1]},
			}})}),
		})
	})
	t.Run("Container Insights' log group, ours: encrypted, a week, retained", func(t *testing.T) {
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"DeletionPolicy": "Retain",
			"Properties": map[string]any{
				"LogGroupName": "/aws/containerinsights/test-blue/performance", "RetentionInDays": 7, "KmsKeyId": assertions.Match_AnyValue(),
			},
		})
	})
}

func TestLogShipperPropsValidate(t *testing.T) {
	_, c := newCluster(t)
	valid := LogShipperProps{Cluster: c, LogKey: c.LogKey, Routes: prdRoutes, StreamArns: streams}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid props: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*LogShipperProps)
		want   string
	}{
		{"no cluster", func(p *LogShipperProps) { p.Cluster = nil }, "cluster: required, with a physical name"},
		{"no key", func(p *LogShipperProps) { p.LogKey = nil }, "logKey: required"},
		{"no streams", func(p *LogShipperProps) { p.StreamArns = nil }, "streamArns: required"},
		{"routes checked", func(p *LogShipperProps) { p.Routes.AlertingLevels = nil }, "routes: alertingLevels: at least one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := valid
			tc.mutate(&p)
			if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
