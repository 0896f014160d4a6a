package k8scheck

import "encoding/json"

// The fixture is an environment of two stacks, as the app makes them: the
// cluster stack (cluster dev-blue, exported, with the Load Balancer
// Controller's release and the namespace api-gateway) and an edge stack
// that applies to it by import.
const (
	clusterStack = "dev-cluster-blue"
	edgeStack    = "dev-edge-blue"
	clusterName  = "dev-blue"
	clusterID    = "Cluster9EE0221C"
	clusterRef   = "dev-cluster-blue:ExportsOutputRefCluster9EE0221C4853B4C3"
)

// env returns the fixture with extra resources in the cluster and edge
// stacks, by logical id.
func env(inCluster, inEdge map[string]any) Templates {
	cluster := map[string]any{
		clusterID: map[string]any{"Type": "AWS::EKS::Cluster", "Properties": map[string]any{"Name": clusterName}},
		"Chart": cfnResource(typeHelmChart, map[string]any{
			"ClusterName": map[string]any{"Ref": clusterID},
			"Chart":       "aws-load-balancer-controller", "Repository": "https://aws.github.io/eks-charts",
			"Release": "aws-load-balancer-controller", "Namespace": "kube-system", "Version": "1.17.1",
			"Values": map[string]any{"Fn::Join": []any{"", []any{`{"clusterName":"`, map[string]any{"Ref": clusterID}, `","replicaCount":2,"podDisruptionBudget":{"maxUnavailable":1}}`}}},
		}),
	}
	cluster["Namespaces"] = manifest(clusterStack, minimalObject("v1", "Namespace", "", "api-gateway"))
	for id, r := range inCluster {
		cluster[id] = r
	}
	edge := map[string]any{}
	for id, r := range inEdge {
		edge[id] = r
	}
	return Templates{
		clusterStack: {"Resources": cluster, "Outputs": map[string]any{
			"ExportsOutputRefCluster": map[string]any{"Value": map[string]any{"Ref": clusterID}, "Export": map[string]any{"Name": clusterRef}},
		}},
		edgeStack: {"Resources": edge},
	}
}

func cfnResource(typ string, props map[string]any) map[string]any {
	return map[string]any{"Type": typ, "Properties": props}
}

// manifest is a KubernetesResource applying objs to the fixture's cluster
// from the given stack, as awseksv2 writes it: JSON text.
func manifest(stack string, objs ...map[string]any) map[string]any {
	data, err := json.Marshal(objs)
	if err != nil {
		panic(err)
	}
	ref := any(map[string]any{"Ref": clusterID})
	if stack == edgeStack {
		ref = map[string]any{"Fn::ImportValue": clusterRef}
	}
	return cfnResource(typeManifest, map[string]any{"ClusterName": ref, "Manifest": string(data)})
}

// tgb is a valid TargetGroupBinding, changed by edit.
func tgb(name string, edit func(spec map[string]any)) map[string]any {
	spec := map[string]any{
		"targetGroupARN": "arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/api/0123456789abcdef",
		"targetType":     "ip",
		"serviceRef":     map[string]any{"name": "api-gateway", "port": 8080},
		"networking": map[string]any{"ingress": []any{map[string]any{
			"from":  []any{map[string]any{"securityGroup": map[string]any{"groupID": "sg-0123456789abcdef0"}}},
			"ports": []any{map[string]any{"protocol": "TCP", "port": 8080}},
		}}},
	}
	if edit != nil {
		edit(spec)
	}
	return map[string]any{"apiVersion": "elbv2.k8s.aws/v1beta1", "kind": "TargetGroupBinding",
		"metadata": map[string]any{"name": name, "namespace": "api-gateway"}, "spec": spec}
}

// sgp is a valid SecurityGroupPolicy in namespace api-gateway, as the app
// writes it (every pod of the namespace, two groups), changed by edit.
func sgp(name string, edit func(spec map[string]any)) map[string]any {
	spec := map[string]any{
		"podSelector":    map[string]any{},
		"securityGroups": map[string]any{"groupIds": []any{"sg-0123456789abcdef0", "sg-0fedcba9876543210"}},
	}
	if edit != nil {
		edit(spec)
	}
	return map[string]any{"apiVersion": "vpcresources.k8s.aws/v1beta1", "kind": "SecurityGroupPolicy",
		"metadata": map[string]any{"name": name, "namespace": "api-gateway"}, "spec": spec}
}

// deployment is a valid Deployment, changed by edit.
func deployment(name string, edit func(d map[string]any)) map[string]any {
	labels := map[string]any{"app": name}
	d := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": name, "namespace": "api-gateway", "labels": labels},
		"spec": map[string]any{
			"replicas": 2,
			"selector": map[string]any{"matchLabels": labels},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "app", "image": "example/app:1"}}},
			},
		}}
	if edit != nil {
		edit(d)
	}
	return d
}

// minimalObject is a minimal object of any kind.
func minimalObject(apiVersion, kind, namespace, name string) map[string]any {
	meta := map[string]any{"name": name}
	if namespace != "" {
		meta["namespace"] = namespace
	}
	return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": meta}
}
