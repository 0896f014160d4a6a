package k8scheck

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	none := map[string]any{}
	for _, tc := range []struct {
		name              string
		inCluster, inEdge map[string]any
		// want are substrings of the findings' messages, one each, in order;
		// none for an environment that deploys.
		want []string
	}{
		{name: "valid objects pass",
			inCluster: map[string]any{"App": manifest(clusterStack,
				minimalObject("v1", "Namespace", "", "tools"),
				minimalObject("v1", "ConfigMap", "tools", "settings"),
				minimalObject("v1", "ServiceAccount", "api-gateway", "api-gateway"),
				deployment("api-gateway", nil),
				map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "api-gateway", "namespace": "api-gateway"},
					"spec": map[string]any{"selector": map[string]any{"app": "api-gateway"}, "ports": []any{map[string]any{"port": 8080, "targetPort": "http"}}}},
				// kubectl puts a namespaced object without one in default, and
				// the API server drops the namespace of a cluster-scoped one.
				minimalObject("v1", "ConfigMap", "", "settings"),
				minimalObject("rbac.authorization.k8s.io/v1", "ClusterRole", "api-gateway", "system:api-gateway"),
			)},
			inEdge: map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-stable", nil))}},
		{name: "a bad name",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("v1", "ConfigMap", "api-gateway", "bad_name"))},
			want:      []string{`metadata.name: Invalid value: "bad_name": a lowercase RFC 1123 subdomain`}},
		{name: "an uppercase name",
			inEdge: map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-Stable", nil))},
			want:   []string{`metadata.name: Invalid value: "api-gateway-Stable"`}},
		{name: "a duplicate across two stacks",
			inCluster: map[string]any{"Stable": manifest(clusterStack, tgb("api-gateway-stable", nil))},
			inEdge:    map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-stable", nil))},
			want:      []string{"dev-cluster-blue Stable applies the same object (TargetGroupBinding.elbv2.k8s.aws api-gateway/api-gateway-stable) to cluster dev-blue"}},
		{name: "one name in two namespaces is two objects",
			inCluster: map[string]any{"App": manifest(clusterStack,
				minimalObject("v1", "ConfigMap", "api-gateway", "settings"), minimalObject("v1", "ConfigMap", "default", "settings"))}},
		{name: "an object in a namespace nothing creates",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("v1", "ConfigMap", "payments", "settings"))},
			want:      []string{"namespace payments: nothing the app applies to cluster dev-blue creates it"}},
		{name: "a release with CreateNamespace creates its namespace",
			inCluster: map[string]any{
				"Chart2": cfnResource(typeHelmChart, map[string]any{"ClusterName": map[string]any{"Ref": clusterID},
					"Chart": "aws-load-balancer-controller", "Repository": "https://aws.github.io/eks-charts",
					"Release": "aws-load-balancer-controller", "Namespace": "lbc", "CreateNamespace": true, "Version": "1.17.1"}),
				"App": manifest(clusterStack, minimalObject("v1", "ConfigMap", "lbc", "settings")),
			}},
		{name: "an unknown field in a Deployment",
			inCluster: map[string]any{"App": manifest(clusterStack, deployment("api-gateway", func(d map[string]any) {
				d["spec"].(map[string]any)["replica"] = 2
			}))},
			want: []string{`strict decoding error: unknown field "spec.replica"`}},
		{name: "field names are case-sensitive",
			inCluster: map[string]any{"App": manifest(clusterStack, deployment("api-gateway", func(d map[string]any) {
				d["spec"].(map[string]any)["Replicas"] = 2
			}))},
			want: []string{`unknown field "spec.Replicas"`}},
		{name: "a TargetGroupBinding without serviceRef",
			inEdge: map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-stable", func(s map[string]any) { delete(s, "serviceRef") }))},
			want:   []string{"spec.serviceRef: Required value"}},
		{name: "a TargetGroupBinding with a wrong targetType",
			inEdge: map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-stable", func(s map[string]any) { s["targetType"] = "IP" }))},
			want:   []string{`spec.targetType: Unsupported value: "IP": supported values: "instance", "ip"`}},
		{name: "a TargetGroupBinding with an unknown field",
			inEdge: map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-stable", func(s map[string]any) { s["targetGroupArn"] = "x" }))},
			want:   []string{`strict decoding error: unknown field "spec.targetGroupArn"`}},
		{name: "a TargetGroupBinding with an unknown metadata field",
			inEdge: map[string]any{"Stable": manifest(edgeStack, func() map[string]any {
				o := tgb("api-gateway-stable", nil)
				o["metadata"].(map[string]any)["lables"] = map[string]any{"a": "b"}
				return o
			}())},
			want: []string{`strict decoding error: unknown field "metadata.lables"`}},
		{name: "a TargetGroupBinding's int-or-string port takes a name",
			inEdge: map[string]any{"Stable": manifest(edgeStack, tgb("api-gateway-stable", func(s map[string]any) {
				s["serviceRef"] = map[string]any{"name": "api-gateway", "port": "http"}
			}))}},
		{name: "a TargetGroupBinding in a cluster without the controller's chart",
			inEdge: map[string]any{"Other": cfnResource(typeManifest, map[string]any{"ClusterName": "other-cluster",
				"Manifest": `[{"apiVersion":"elbv2.k8s.aws/v1beta1","kind":"TargetGroupBinding","metadata":{"name":"a","namespace":"default"},"spec":{"serviceRef":{"name":"a","port":80}}}]`})},
			want: []string{"no release of chart aws-load-balancer-controller in cluster other-cluster installs its CRD targetgroupbindings.elbv2.k8s.aws"}},
		{name: "a SecurityGroupPolicy as the app applies it, its group ids tokens",
			inCluster: map[string]any{"Workload": cfnResource(typeManifest, map[string]any{"ClusterName": map[string]any{"Ref": clusterID},
				"Manifest": map[string]any{"Fn::Join": []any{"", []any{
					`[{"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"api-gateway","namespace":"api-gateway","labels":{"platform.ecplatform.io/service":"api-gateway"}},"spec":{"podSelector":{},"securityGroups":{"groupIds":["`,
					map[string]any{"Fn::GetAtt": []any{clusterID, "ClusterSecurityGroupId"}}, `","`,
					map[string]any{"Fn::GetAtt": []any{"PodsSecurityGroup", "GroupId"}}, `"]}}}]`}}}})}},
		{name: "a SecurityGroupPolicy selecting by service account",
			inCluster: map[string]any{"Workload": manifest(clusterStack, sgp("api-gateway", func(s map[string]any) {
				delete(s, "podSelector")
				s["serviceAccountSelector"] = map[string]any{"matchLabels": map[string]any{"app": "api-gateway"}}
			}))}},
		{name: "a SecurityGroupPolicy needs no release: EKS keeps its CRD on every cluster",
			inEdge: map[string]any{"Other": cfnResource(typeManifest, map[string]any{"ClusterName": "other-cluster",
				"Manifest": `[{"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"a","namespace":"default"},"spec":{"podSelector":{},"securityGroups":{"groupIds":["sg-0123456789abcdef0"]}}}]`})}},
		{name: "a SecurityGroupPolicy with an unknown spec field",
			inCluster: map[string]any{"Workload": manifest(clusterStack, sgp("api-gateway", func(s map[string]any) {
				s["securityGroups"] = map[string]any{"groupIDs": []any{"sg-0123456789abcdef0"}} // TargetGroupBinding's spelling
			}))},
			want: []string{`strict decoding error: unknown field "spec.securityGroups.groupIDs"`}},
		{name: "a SecurityGroupPolicy whose groupIds is not a list",
			inCluster: map[string]any{"Workload": manifest(clusterStack, sgp("api-gateway", func(s map[string]any) {
				s["securityGroups"] = map[string]any{"groupIds": "sg-0123456789abcdef0"}
			}))},
			want: []string{`spec.securityGroups.groupIds: Invalid value: "string": spec.securityGroups.groupIds in body must be of type array`}},
		{name: "a SecurityGroupPolicy without security groups",
			inCluster: map[string]any{"Workload": manifest(clusterStack, sgp("api-gateway", func(s map[string]any) {
				s["securityGroups"] = map[string]any{"groupIds": []any{}}
			}))},
			want: []string{"spec.securityGroups.groupIds: Invalid value: 0: spec.securityGroups.groupIds in body should have at least 1 items"}},
		{name: "a SecurityGroupPolicy with a bad name",
			inCluster: map[string]any{"Workload": manifest(clusterStack, sgp("API_Gateway", nil))},
			want:      []string{`metadata.name: Invalid value: "API_Gateway": a lowercase RFC 1123 subdomain`}},
		{name: "a SecurityGroupPolicy version the CRD does not serve",
			inCluster: map[string]any{"Workload": manifest(clusterStack, minimalObject("vpcresources.k8s.aws/v1", "SecurityGroupPolicy", "api-gateway", "a"))},
			want:      []string{"vpcresources.k8s.aws/v1 serves no SecurityGroupPolicy; SecurityGroupPolicy is served as vpcresources.k8s.aws/v1beta1"}},
		{name: "a bad label key",
			inCluster: map[string]any{"App": manifest(clusterStack, func() map[string]any {
				o := minimalObject("v1", "ConfigMap", "api-gateway", "settings")
				o["metadata"].(map[string]any)["labels"] = map[string]any{"bad key!": "x"}
				return o
			}())},
			want: []string{`metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters`}},
		{name: "a bad annotation key",
			inCluster: map[string]any{"App": manifest(clusterStack, func() map[string]any {
				o := minimalObject("v1", "ConfigMap", "api-gateway", "settings")
				o["metadata"].(map[string]any)["annotations"] = map[string]any{"example.com/a/b": "x"}
				return o
			}())},
			want: []string{`metadata.annotations: Invalid value: "example.com/a/b"`}},
		{name: "a Service name is a DNS-1035 label",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("v1", "Service", "api-gateway", "1api"))},
			want:      []string{`metadata.name: Invalid value: "1api": a DNS-1035 label must consist of lower case alphanumeric characters`}},
		{name: "a Namespace name is a DNS-1123 label",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("v1", "Namespace", "", "api.gateway"))},
			want:      []string{`metadata.name: Invalid value: "api.gateway": must not contain dots`}},
		{name: "a bad namespace",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("v1", "ConfigMap", "Api", "settings"))},
			want:      []string{`metadata.namespace: Invalid value: "Api"`, "namespace Api: nothing the app applies"}},
		{name: "a kind no cluster serves",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("example.com/v1", "Widget", "a", "b"))},
			want:      []string{"unknown kind Widget.example.com"}},
		{name: "a version the CRD does not serve",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("elbv2.k8s.aws/v1", "TargetGroupBinding", "a", "b"))},
			want:      []string{"elbv2.k8s.aws/v1 serves no TargetGroupBinding; TargetGroupBinding is served as elbv2.k8s.aws/v1alpha1, elbv2.k8s.aws/v1beta1"}},
		{name: "a kind that is no object",
			inCluster: map[string]any{"App": manifest(clusterStack, map[string]any{"apiVersion": "v1", "kind": "DeleteOptions"})},
			want:      []string{"*v1.DeleteOptions is not an object kind the API server stores"}},
		{name: "a removed built-in version",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("extensions/v1beta1", "Deployment", "a", "b"))},
			want:      []string{"extensions/v1beta1 serves no Deployment; Deployment is served as apps/v1"}},
		{name: "a kind of chart 3.5.0 that 1.17.1 lacks",
			inCluster: map[string]any{"App": manifest(clusterStack, minimalObject("gateway.k8s.aws/v1", "TargetGroupConfiguration", "api-gateway", "b"))},
			want:      []string{"chart 3.5.0 (the version go.mod can pin) has a schema for gateway.k8s.aws/v1 that chart 1.17.1 lacks"}},
		{name: "a manifest with tokens",
			inEdge: map[string]any{"Stable": cfnResource(typeManifest, map[string]any{"ClusterName": map[string]any{"Fn::ImportValue": clusterRef},
				"Manifest": map[string]any{"Fn::Join": []any{"", []any{
					`[{"apiVersion":"elbv2.k8s.aws/v1beta1","kind":"TargetGroupBinding","metadata":{"name":"api-gateway-stable","namespace":"api-gateway"},"spec":{"serviceRef":{"name":"api-gateway","port":8080},"targetGroupARN":"`,
					map[string]any{"Ref": "ExternalTargetsStable"}, `","targetType":"ip"}}]`}}}})}},
		{name: "a manifest that is not JSON",
			inCluster: map[string]any{"App": cfnResource(typeManifest, map[string]any{"ClusterName": map[string]any{"Ref": clusterID}, "Manifest": "[{"})},
			want:      []string{"Manifest is not JSON once tokens are placeholders"}},
		{name: "a resource whose cluster can't be told",
			inEdge: map[string]any{"App": cfnResource(typeManifest, map[string]any{"ClusterName": map[string]any{"Fn::ImportValue": "nobody:exports"}, "Manifest": "[]"})},
			want:   []string{`ClusterName imports "nobody:exports", which no stack of the environment exports`}},
		{name: "an EKS custom resource the check does not read",
			inCluster: map[string]any{"Patch": cfnResource("Custom::AWSCDK-EKS-KubernetesPatch", map[string]any{"ClusterName": map[string]any{"Ref": clusterID}})},
			want:      []string{"the check does not read this resource type"}},
		{name: "a Helm value the chart does not declare",
			inCluster: map[string]any{"Chart": cfnResource(typeHelmChart, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID},
				"Chart":       "aws-load-balancer-controller", "Repository": "https://aws.github.io/eks-charts",
				"Release": "aws-load-balancer-controller", "Namespace": "kube-system", "Version": "1.17.1",
				"Values": `{"replicas":2,"image":{"tag":"v2.17.1","registry":"x"},"certManagement":{}}`})},
			want: []string{
				"Values.certManagement: not a value of the chart", // 3.5.0 has it, 1.17.1 not
				"Values.image.registry: not a value of the chart",
				"Values.replicas: not a value of the chart",
			}},
		{name: "Falco's releases with the values the platform sets",
			inCluster: map[string]any{"Falco": falcoRelease("falco", "9.1.0",
				`{"image":{"registry":"public.ecr.aws","repository":"falcosecurity/falco","tag":"0.44.1"},"driver":{"enabled":true,"kind":"modern_ebpf"},`+
					`"falcoctl":{"artifact":{"install":{"enabled":false},"follow":{"enabled":false}}},"tolerations":[{"operator":"Exists"}],`+
					`"falco":{"json_output":true,"log_syslog":false,"http_output":{"enabled":true,"url":"http://falcosidekick.falco.svc.cluster.local:2801/"}}}`),
				"Sidekick": falcoRelease("falcosidekick", "0.14.0",
					`{"config":{"aws":{"useirsa":true,"region":"ap-northeast-1","cloudwatchlogs":{"loggroup":"/platform/dev/alerting","logstream":"dev-blue.falco","minimumpriority":"notice"}}},"webui":{"enabled":false}}`),
				"Namespace": manifest(clusterStack, minimalObject("v1", "Namespace", "", "falco")),
			}},
		{name: "Falco values the charts do not declare",
			inCluster: map[string]any{"Falco": falcoRelease("falco", "9.1.0",
				`{"driver":{"kind":"modern_ebpf","modernBpf":{"bufSizePreset":4}},"falco":{"jsonOutput":true,"http_output":{"enabled":true,"urls":["x"]}}}`),
				"Sidekick": falcoRelease("falcosidekick", "0.14.0",
					`{"config":{"aws":{"cloudwatchlogs":{"loggroup":"/platform/dev/alerting","minimumPriority":"notice"}}},"serviceAccount":{"create":false}}`),
				"Namespace": manifest(clusterStack, minimalObject("v1", "Namespace", "", "falco")),
			},
			want: []string{
				"Values.driver.modernBpf: not a value of the chart",
				"Values.falco.http_output.urls: not a value of the chart",
				"Values.falco.jsonOutput: not a value of the chart",
				"Values.config.aws.cloudwatchlogs.minimumPriority: not a value of the chart",
				"Values.serviceAccount: not a value of the chart", // the chart makes its own
			}},
		{name: "a Falco chart version the check does not know",
			inCluster: map[string]any{"Falco": falcoRelease("falco", "9.0.0", `{}`),
				"Namespace": manifest(clusterStack, minimalObject("v1", "Namespace", "", "falco"))},
			want: []string{"the check knows no chart falco 9.0.0 from https://falcosecurity.github.io/charts"}},
		{name: "Istio values are the chart's, below its defaults' root",
			inCluster: map[string]any{"Istiod": cfnResource(typeHelmChart, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID},
				"Chart":       "istiod", "Repository": "https://istio-release.storage.googleapis.com/charts",
				"Release": "istiod-1-30", "Namespace": "kube-system", "Version": "1.30.3",
				"Values": `{"revision":"1-30","cni":{"enabled":true,"enable":true},"autoscaleMin":2,"pilot":{"cni":{"enabled":true}}}`})},
			want: []string{
				"Values.cni.enable: not a value of the chart",
				"Values.pilot: not a value of the chart", // Istio's old value layout
			}},
		{name: "a key Istio 1.30 added, set on 1.29",
			inCluster: map[string]any{"Cni": cfnResource(typeHelmChart, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID},
				"Chart":       "cni", "Repository": "https://istio-release.storage.googleapis.com/charts",
				"Release": "istio-cni", "Namespace": "kube-system", "Version": "1.29.6",
				"Values": `{"useAppArmorAnnotation":false,"excludeNamespaces":["kube-system"]}`})},
			want: []string{"Values.useAppArmorAnnotation: not a value of the chart"}},
		{name: "Datadog values against values.yaml and values.schema.json",
			inCluster: map[string]any{"Datadog": cfnResource(typeHelmChart, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID},
				"Chart":       "datadog", "Repository": "https://helm.datadoghq.com",
				"Release": "datadog", "Namespace": "kube-system", "Version": "3.240.0",
				"Values": `{"datadog":{"apiKeyExistingSecret":"datadog-api-key","apm":{"portEnabled":true,"instrumentation":{"enabled":"yes"}},"tagz":[]},"registryMigrationMode":"some"}`})},
			want: []string{
				"Values.datadog.tagz: not a value of the chart",
				"values.schema.json, which Helm refuses: /datadog/apm/instrumentation/enabled",
				"values.schema.json, which Helm refuses: /registryMigrationMode",
			}},
		{name: "a chart the check does not know",
			inCluster: map[string]any{"Other": cfnResource(typeHelmChart, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID}, "Chart": "aws-load-balancer-controller",
				"Repository": "https://aws.github.io/eks-charts", "Release": "lbc-next", "Namespace": "kube-system", "Version": "1.17.2"})},
			want: []string{"the check knows no chart aws-load-balancer-controller 1.17.2"}},
		{name: "a bad release name and namespace",
			inCluster: map[string]any{"Other": cfnResource(typeHelmChart, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID}, "Chart": "aws-load-balancer-controller",
				"Repository": "https://aws.github.io/eks-charts", "Release": "LBC", "Namespace": "kube_system", "Version": "1.17.1"})},
			want: []string{`Release "LBC": a lowercase RFC 1123 subdomain`, `Namespace "kube_system": a lowercase RFC 1123 label`}},
		{name: "a node group's bad labels and taints",
			inCluster: map[string]any{"Nodes": cfnResource(typeNodegroup, map[string]any{
				"ClusterName": map[string]any{"Ref": clusterID},
				"Labels": map[string]any{"bad key!": "x", "platform.ecplatform.io/pool": "general pool",
					"node-role.kubernetes.io/worker": "", "node.kubernetes.io/lifecycle": "spot", "topology.kubernetes.io/zone": "a"},
				"Taints": []any{
					map[string]any{"Key": "dedicated", "Value": "api gateway", "Effect": "NO_SCHEDULE"},
					map[string]any{"Key": "dedicated", "Value": "x", "Effect": "NO_SCHEDULE"},
					map[string]any{"Key": "a/b/c", "Effect": "NoSchedule"},
				}})},
			want: []string{
				`Labels: Invalid value: "bad key!"`,
				`Labels: "node-role.kubernetes.io/worker": the kubelet refuses`,
				`Labels: Invalid value: "general pool": a valid label must be`,
				`Taints[0].Value: Invalid value: "api gateway"`,
				"Taints[1]: taints must be unique by key and effect",
				`Taints[2].Key: Invalid value: "a/b/c"`,
				`Taints[2].Effect: must be one of [NO_SCHEDULE NO_EXECUTE PREFER_NO_SCHEDULE], got "NoSchedule"`,
			}},
		{name: "bad pod identity names",
			inCluster: map[string]any{
				"Assoc": cfnResource(typePodIdentity, map[string]any{"ClusterName": map[string]any{"Ref": clusterID}, "Namespace": "Kube-System", "ServiceAccount": "lbc_sa"}),
				"Addon": cfnResource(typeAddon, map[string]any{"ClusterName": map[string]any{"Ref": clusterID}, "AddonName": "aws-ebs-csi-driver",
					"PodIdentityAssociations": []any{map[string]any{"ServiceAccount": "EBS"}}}),
			},
			want: []string{`ServiceAccount "EBS": a lowercase RFC 1123 subdomain`, `Namespace "Kube-System"`, `ServiceAccount "lbc_sa"`}},
		{name: "add-on configuration that is not a JSON object",
			inCluster: map[string]any{"Addon": cfnResource(typeAddon, map[string]any{"ClusterName": map[string]any{"Ref": clusterID},
				"AddonName": "amazon-cloudwatch-observability", "ConfigurationValues": "containerLogs: {}"})},
			want: []string{"ConfigurationValues is not a JSON object"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inCluster, inEdge := tc.inCluster, tc.inEdge
			if inCluster == nil {
				inCluster = none
			}
			if inEdge == nil {
				inEdge = none
			}
			findings := schemas(t).Check(env(inCluster, inEdge))
			if len(findings) != len(tc.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(findings), len(tc.want), lines(findings))
			}
			for i, f := range findings {
				if !strings.Contains(f.Message, tc.want[i]) {
					t.Errorf("finding %d: got %q, want it to contain %q", i, f.Message, tc.want[i])
				}
			}
		})
	}
}

func lines(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

// falcoRelease is a release of one of the Falco project's charts in the
// namespace falco of the fixture's cluster.
func falcoRelease(chart, version, values string) map[string]any {
	return cfnResource(typeHelmChart, map[string]any{
		"ClusterName": map[string]any{"Ref": clusterID}, "Chart": chart, "Repository": "https://falcosecurity.github.io/charts",
		"Release": chart, "Namespace": "falco", "Version": version, "Values": values})
}
