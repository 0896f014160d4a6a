package cluster

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

func TestClusterTemplate(t *testing.T) {
	stack, c := newClusterStack(t, "1.34", groupSpec{pool: "general", version: "1.34"})
	tmpl := constructtest.Template(t, stack)
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
	t.Run("control plane", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::EKS::Cluster"), map[string]any{
			"Version": "1.34",
			"ResourcesVpcConfig": assertions.Match_ObjectLike(&map[string]any{
				"EndpointPrivateAccess": true, "EndpointPublicAccess": false,
			}),
			"EncryptionConfig": []any{map[string]any{"Provider": map[string]any{"KeyArn": assertions.Match_AnyValue()}, "Resources": []any{"secrets"}}},
			"Logging": map[string]any{"ClusterLogging": map[string]any{"EnabledTypes": []any{
				map[string]any{"Type": "api"}, map[string]any{"Type": "audit"}, map[string]any{"Type": "authenticator"},
				map[string]any{"Type": "controllerManager"}, map[string]any{"Type": "scheduler"},
			}}},
			"AccessConfig": map[string]any{"AuthenticationMode": "API", "BootstrapClusterCreatorAdminPermissions": false},
		})
		tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{"EnableKeyRotation": true, "Description": assertions.Match_StringLikeRegexp(jsii.String("Kubernetes secrets"))})
		// No Auto Mode: capacity is versioned node groups only.
		tmpl.HasResourceProperties(jsii.String("AWS::EKS::Cluster"), map[string]any{"ComputeConfig": map[string]any{"Enabled": false}})
		tmpl.ResourceCountIs(jsii.String("AWS::AutoScaling::AutoScalingGroup"), jsii.Number(0))
	})
	t.Run("control-plane logs kept in our own encrypted log group", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::EKS::Cluster"), map[string]any{"Name": "test-blue"})
		tmpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"DeletionPolicy": "Retain",
			"Properties":     map[string]any{"LogGroupName": "/aws/eks/test-blue/cluster", "RetentionInDays": 365, "KmsKeyId": assertions.Match_AnyValue()},
		})
	})
	t.Run("access entries", func(t *testing.T) {
		for role, policy := range map[string]string{"platform-admin": "AmazonEKSClusterAdminPolicy", "sre-readonly": "AmazonEKSViewPolicy"} {
			tmpl.HasResourceProperties(jsii.String("AWS::EKS::AccessEntry"), map[string]any{
				"PrincipalArn": "arn:aws:iam::111111111111:role/" + role,
				"AccessPolicies": []any{map[string]any{
					"AccessScope": map[string]any{"Type": "cluster"},
					"PolicyArn": map[string]any{"Fn::Join": []any{"", []any{
						"arn:", map[string]any{"Ref": "AWS::Partition"}, ":eks::aws:cluster-access-policy/" + policy,
					}}},
				}},
			})
		}
	})
	t.Run("pinned add-ons", func(t *testing.T) {
		v, _ := spec.LookupVersion("1.34")
		for _, name := range spec.Addons {
			tmpl.HasResourceProperties(jsii.String("AWS::EKS::Addon"), map[string]any{"AddonName": name, "AddonVersion": v.Addons[name]})
		}
	})
	t.Run("add-ons' IAM through Pod Identity, each role for its own service account", func(t *testing.T) {
		cluster := theCluster(t, tmpl).logicalID
		for _, tc := range []struct{ addon, namespace, serviceAccount, policy string }{
			{spec.AddonVpcCni, "kube-system", "aws-node", "AmazonEKS_CNI_Policy"},
			{spec.AddonEbsCsiDriver, "kube-system", "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"},
		} {
			t.Run(tc.addon, func(t *testing.T) {
				addon := addonNamed(t, tmpl, tc.addon)
				assocs, _ := addon["Properties"].(map[string]any)["PodIdentityAssociations"].([]any)
				if len(assocs) != 1 || assocs[0].(map[string]any)["ServiceAccount"] != tc.serviceAccount {
					t.Fatalf("Pod Identity associations %v, want one for %s", assocs, tc.serviceAccount)
				}
				roleID := assocs[0].(map[string]any)["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
				role := (*tmpl.ToJSON())["Resources"].(map[string]any)[roleID].(map[string]any)["Properties"].(map[string]any)
				trust, _ := json.Marshal(role["AssumeRolePolicyDocument"])
				want, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Effect": "Allow", "Principal": map[string]any{"Service": PodIdentityService},
					"Action": []any{"sts:AssumeRole", "sts:TagSession"},
					"Condition": map[string]any{"StringEquals": map[string]any{
						"aws:RequestTag/eks-cluster-arn":            map[string]any{"Fn::GetAtt": []any{cluster, "Arn"}},
						"aws:RequestTag/kubernetes-namespace":       tc.namespace,
						"aws:RequestTag/kubernetes-service-account": tc.serviceAccount,
					}},
				}}})
				if string(trust) != string(want) {
					t.Errorf("%s trusts\n%s\nwant\n%s", roleID, trust, want)
				}
				policies, _ := json.Marshal(role["ManagedPolicyArns"])
				if !strings.Contains(string(policies), ":iam::aws:policy/"+tc.policy+`"`) {
					t.Errorf("%s has %s, want %s", roleID, policies, tc.policy)
				}
				agent := c.Addons[spec.AddonPodIdentityAgent].Node().DefaultChild().(awscdk.CfnResource).LogicalId()
				if deps, _ := addon["DependsOn"].([]any); !slices.Contains(deps, stack.Resolve(agent)) {
					t.Errorf("%s does not wait for the Pod Identity agent: DependsOn %v", tc.addon, deps)
				}
			})
		}
	})
	t.Run("security groups for pods: the VPC CNI's settings and the cluster role's policy", func(t *testing.T) {
		// As EKS reads them: without ENABLE_POD_ENI no SecurityGroupPolicy
		// takes effect, and a service's database admits no pod; without
		// the controller policy the control plane attaches no branch ENI.
		var got map[string]any
		if err := json.Unmarshal([]byte(addonNamed(t, tmpl, spec.AddonVpcCni)["Properties"].(map[string]any)["ConfigurationValues"].(string)), &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"env":  map[string]any{"ENABLE_POD_ENI": "true", "POD_SECURITY_GROUP_ENFORCING_MODE": "standard"},
			"init": map[string]any{"env": map[string]any{"DISABLE_TCP_EARLY_DEMUX": "true"}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("vpc-cni configuration %v, want %v", got, want)
		}
		roleID := theCluster(t, tmpl).props["RoleArn"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
		role := (*tmpl.ToJSON())["Resources"].(map[string]any)[roleID].(map[string]any)["Properties"].(map[string]any)
		if policies, _ := json.Marshal(role["ManagedPolicyArns"]); !strings.Contains(string(policies), ":iam::aws:policy/AmazonEKSVPCResourceController\"") {
			t.Errorf("cluster role %s has %s, want AmazonEKSVPCResourceController", roleID, policies)
		}
	})
	t.Run("load balancer controller through pod identity", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::EKS::PodIdentityAssociation"), map[string]any{
			"Namespace": "kube-system", "ServiceAccount": "aws-load-balancer-controller",
		})
		tmpl.HasResourceProperties(jsii.String("Custom::AWSCDK-EKS-HelmChart"), map[string]any{
			"Chart": "aws-load-balancer-controller", "Version": LoadBalancerControllerChartVersion, "Namespace": "kube-system",
		})
	})
	t.Run("its log key lets CloudWatch Logs encrypt the control plane's and Container Insights' groups", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]any{
			"KeyPolicy": assertions.Match_ObjectLike(&map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Sid": "AllowCloudWatchLogs",
				"Condition": map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": []any{
					"arn:aws:logs:ap-northeast-1:111111111111:log-group:/aws/eks/test-blue/cluster",
					"arn:aws:logs:ap-northeast-1:111111111111:log-group:/aws/containerinsights/test-blue/*",
				}}},
			})})}),
		})
	})
	t.Run("node group", func(t *testing.T) {
		tmpl.HasResourceProperties(jsii.String("AWS::EKS::Nodegroup"), map[string]any{
			"Version": "1.34",
			"AmiType": "AL2023_x86_64_STANDARD",
			"Labels": map[string]any{
				LabelPool: "general", LabelNodeGroup: "general-1-34", LabelKubeVersion: "1.34",
			},
			"NodegroupName":  assertions.Match_Absent(),
			"LaunchTemplate": assertions.Match_ObjectLike(&map[string]any{"Id": assertions.Match_AnyValue()}),
		})
		for _, ng := range propertiesOf(tmpl, "AWS::EKS::Nodegroup") {
			if n := len(ng["Subnets"].([]any)); n != 3 {
				t.Errorf("node group in %d subnets, want the 3 private subnets", n)
			}
		}
		tmpl.HasResourceProperties(jsii.String("AWS::EC2::LaunchTemplate"), map[string]any{
			"LaunchTemplateData": assertions.Match_ObjectLike(&map[string]any{
				"Monitoring":      map[string]any{"Enabled": true},
				"MetadataOptions": map[string]any{"HttpTokens": "required", "HttpPutResponseHopLimit": 1},
				"BlockDeviceMappings": []any{map[string]any{"DeviceName": "/dev/xvda", "Ebs": map[string]any{
					"Encrypted": true, "VolumeType": "gp3", "VolumeSize": 50, "DeleteOnTermination": true,
				}}},
			}),
		})
	})
	t.Run("no Session Manager unless asked", func(t *testing.T) {
		tmpl.ResourceCountIs(jsii.String("AWS::IAM::ManagedPolicy"), jsii.Number(0))
		for id, r := range *tmpl.FindResources(jsii.String("AWS::IAM::Role"), nil) {
			if policies, _ := json.Marshal((*r)["Properties"].(map[string]any)["ManagedPolicyArns"]); strings.Contains(string(policies), SessionManagerPolicy) {
				t.Errorf("%s carries %s without NodeSessions", id, SessionManagerPolicy)
			}
		}
	})
	t.Run("nodes leave the VPC CNI's rights to aws-node's Pod Identity", func(t *testing.T) {
		resources := (*tmpl.ToJSON())["Resources"].(map[string]any)
		cni := c.Addons[spec.AddonVpcCni].Node().DefaultChild().(awscdk.CfnResource).LogicalId()
		for id, ng := range *tmpl.FindResources(jsii.String("AWS::EKS::Nodegroup"), nil) {
			roleID := (*ng)["Properties"].(map[string]any)["NodeRole"].(map[string]any)["Fn::GetAtt"].([]any)[0].(string)
			role := resources[roleID].(map[string]any)
			policies, _ := json.Marshal(role["Properties"].(map[string]any)["ManagedPolicyArns"])
			for _, want := range nodeRolePolicies {
				if !strings.Contains(string(policies), "/"+want+`"`) {
					t.Errorf("%s: node role %s lacks %s: %s", id, roleID, want, policies)
				}
			}
			if strings.Contains(string(policies), "AmazonEKS_CNI_Policy") {
				t.Errorf("%s: node role %s carries AmazonEKS_CNI_Policy: every host-network pod could use it", id, roleID)
			}
			// Nodes join, and their role loses the CNI's rights, only once
			// aws-node can get them through its Pod Identity association.
			for what, deps := range map[string]any{id: (*ng)["DependsOn"], roleID: role["DependsOn"]} {
				if deps, _ := deps.([]any); !slices.Contains(deps, stack.Resolve(cni)) {
					t.Errorf("%s does not wait for the vpc-cni add-on: DependsOn %v", what, deps)
				}
			}
		}
	})
}

// addonNamed is the add-on resource (Properties, DependsOn) named name.
func addonNamed(t *testing.T, tmpl assertions.Template, name string) map[string]any {
	t.Helper()
	for _, a := range *tmpl.FindResources(jsii.String("AWS::EKS::Addon"), nil) {
		if (*a)["Properties"].(map[string]any)["AddonName"] == name {
			return *a
		}
	}
	t.Fatalf("no %s add-on", name)
	return nil
}

// propertiesOf returns the Properties of every resource of type typ.
func propertiesOf(tmpl assertions.Template, typ string) []map[string]any {
	var out []map[string]any
	for _, r := range *tmpl.FindResources(jsii.String(typ), nil) {
		out = append(out, (*r)["Properties"].(map[string]any))
	}
	return out
}
