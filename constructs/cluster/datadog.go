package cluster

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

// The Datadog Agent's Helm release (in spec.DatadogNamespace), and the
// Kubernetes Secret its pods read the API key's handle from.
const (
	DatadogRelease       = "datadog"
	DatadogApiKeySecret  = "datadog-api-key"
	DatadogApiKeySecretK = "api-key"
)

// The service accounts the chart creates for release "datadog": the node
// Agent's (DaemonSet) and the Cluster Agent's. Both resolve the API key.
const (
	DatadogAgentServiceAccount        = DatadogRelease
	DatadogClusterAgentServiceAccount = DatadogRelease + "-cluster-agent"
)

// A Datadog tag: key:value, lowercase letters, digits and _ - . / :
var datadogTag = regexp.MustCompile(`^[a-z][a-z0-9_./-]*:[a-z0-9_./:-]+$`)

// DatadogProps configures the Datadog Agent of one cluster.
type DatadogProps struct {
	// ApiKeySecretArn is the full ARN of the Secrets Manager secret holding
	// the API key, in the cluster's account and region. Only this ARN is
	// ever in a template: the Agents read the key from Secrets Manager at
	// run time, through Pod Identity roles that may read this secret alone.
	// Required.
	ApiKeySecretArn string
	// ApiKeyField is the JSON field of the secret that holds the key.
	// @default spec.DefaultDatadogApiKeyField
	ApiKeyField string
	// Site is the Datadog site the Agents send to.
	// @default spec.DefaultDatadogSite
	Site string
	// Env is the environment's name, the env tag of everything the Agents
	// send (and the default env of APM traces). Required.
	Env string
}

// Validate reports every problem with the props.
func (p DatadogProps) Validate() error {
	var errs []error
	if _, _, ok := spec.ParseSecretArn(p.ApiKeySecretArn); !ok {
		errs = append(errs, fmt.Errorf("apiKeySecretArn: must be a Secrets Manager secret's full ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), got %q", p.ApiKeySecretArn))
	}
	if !spec.IsSecretJSONField(p.ApiKeyField) {
		errs = append(errs, fmt.Errorf("apiKeyField: must be a JSON field name of the secret, got %q", p.ApiKeyField))
	}
	if !slices.Contains(spec.DatadogSites, p.Site) {
		errs = append(errs, fmt.Errorf("site: must be one of %v, got %q", spec.DatadogSites, p.Site))
	}
	if !datadogTag.MatchString("env:" + p.Env) {
		errs = append(errs, fmt.Errorf("env: must be a Datadog tag value (lowercase letters, digits, _ - . /), got %q", p.Env))
	}
	return errors.Join(errs...)
}

// Datadog is the Datadog Agent on one cluster, from the datadog/datadog
// Helm chart (DatadogChartVersion) through the cluster's kubectl provider:
// the node Agent on every node (metrics, logs off, APM on port 8126 of
// each node) and the Cluster Agent. Everything it sends is tagged with the
// environment and the cluster.
//
// The API key is never in a template, nor in Kubernetes: the chart reads
// DD_API_KEY from the Secret DatadogApiKeySecret, which holds only the
// handle ENC[<secret ARN>;<field>]; the Agents resolve it at start with
// their built-in Secrets Manager backend (secret_backend_type
// aws.secrets), as roles through EKS Pod Identity that may read that one
// secret and nothing else.
type Datadog struct {
	constructs.Construct
	Namespace *Namespace
	// ApiKeyHandle is the Secret with the key's handle (not the key).
	ApiKeyHandle awseksv2.KubernetesManifest
	// Roles by service account: the node Agent's and the Cluster Agent's.
	Roles map[string]awsiam.Role
	Chart awseksv2.HelmChart
	// Tags are the tags the Agents put on everything they send.
	Tags []string
}

// AddDatadog installs the Datadog Agent on c; it panics on invalid props or
// on a cluster without a physical name (its Datadog cluster name).
func (c *Cluster) AddDatadog(p DatadogProps) *Datadog {
	if p.ApiKeyField == "" {
		p.ApiKeyField = spec.DefaultDatadogApiKeyField
	}
	if p.Site == "" {
		p.Site = spec.DefaultDatadogSite
	}
	err := p.Validate()
	if c.Name == "" {
		err = errors.Join(err, errors.New("the cluster needs a physical name: it is the Datadog cluster name and tag"))
	}
	if err != nil {
		panic(fmt.Errorf("%s/Datadog: %w", *c.Node().Path(), err))
	}
	self := constructs.NewConstruct(c.Construct, jsii.String("Datadog"))
	d := &Datadog{Construct: self, Roles: map[string]awsiam.Role{}, Tags: []string{"env:" + p.Env, "cluster:" + c.Name}}
	// The node Agent mounts host paths (/proc, cgroups, the container
	// runtime's socket) and takes host port 8126: privileged.
	d.Namespace = NewNamespace(self, "Namespace", NamespaceProps{
		Cluster: c.Cluster, Name: spec.DatadogNamespace, Enforce: PodSecurityPrivileged, Warn: PodSecurityPrivileged,
	})
	secret := map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"metadata":   map[string]any{"name": DatadogApiKeySecret, "namespace": spec.DatadogNamespace, "labels": map[string]any{"app.kubernetes.io/managed-by": "eks-platform"}},
		"type":       "Opaque",
		// A handle the Agents resolve from Secrets Manager, not the key.
		"stringData": map[string]any{DatadogApiKeySecretK: DatadogApiKeyHandle(p.ApiKeySecretArn, p.ApiKeyField)},
	}
	d.ApiKeyHandle = awseksv2.NewKubernetesManifest(self, jsii.String("ApiKeyHandle"), &awseksv2.KubernetesManifestProps{
		Cluster: c.Cluster, Overwrite: jsii.Bool(true), Manifest: &[]*map[string]any{&secret},
	})
	d.ApiKeyHandle.Node().AddDependency(d.Namespace.Manifest)
	var associations []constructs.IDependable
	for _, sa := range []struct{ id, name, what string }{
		{"AgentRole", DatadogAgentServiceAccount, "node Agent"},
		{"ClusterAgentRole", DatadogClusterAgentServiceAccount, "Cluster Agent"},
	} {
		identity := PodIdentity{Cluster: c.Cluster, Namespace: spec.DatadogNamespace, ServiceAccount: sa.name}
		role := awsiam.NewRole(self, jsii.String(sa.id), &awsiam.RoleProps{
			AssumedBy:   identity.Principal(),
			Description: jsii.String(fmt.Sprintf("Datadog %s of EKS cluster %s, through EKS Pod Identity: reads the Datadog API key's secret", sa.what, c.Name)),
		})
		role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("ReadDatadogApiKey"),
			Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
			Resources: jsii.Strings(p.ApiKeySecretArn),
		}))
		associations = append(associations, identity.Associate(self, sa.id+"Association", role, c.Addons[spec.AddonPodIdentityAgent], role))
		d.Roles[sa.name] = role
	}
	region := awscdk.Stack_Of(self).Region()
	d.Chart = awseksv2.NewHelmChart(self, jsii.String("Chart"), &awseksv2.HelmChartProps{
		Cluster:    c.Cluster,
		Chart:      jsii.String("datadog"),
		Repository: jsii.String(DatadogChartRepository),
		Release:    jsii.String(DatadogRelease),
		Namespace:  jsii.String(spec.DatadogNamespace),
		Version:    jsii.String(DatadogChartVersion),
		Wait:       jsii.Bool(true),
		Timeout:    awscdk.Duration_Minutes(jsii.Number(15)),
		Values: &map[string]any{
			"datadog": map[string]any{
				// The key: the Secret's handle, resolved by the backend below.
				"apiKeyExistingSecret": DatadogApiKeySecret,
				"secretBackend": map[string]any{
					"type":   "aws.secrets",
					"config": map[string]any{"aws_session": map[string]any{"aws_region": region}},
					// The chart's default, with a backend type set, lets the
					// Agents read every Kubernetes Secret of the cluster
					// (for the k8s.secrets backend); aws.secrets needs none.
					"enableGlobalPermissions": false,
				},
				"site":        p.Site,
				"clusterName": c.Name,
				"tags":        toAny(d.Tags),
				// APM: the Agent takes traces on port 8126 of each node
				// (pods send to status.hostIP); the restricted Pod Security
				// Standard of the services' namespaces forbids the socket's
				// hostPath volume.
				"apm": map[string]any{"portEnabled": true},
			},
			"agents":       map[string]any{"image": map[string]any{"tag": DatadogAgentVersion}},
			"clusterAgent": map[string]any{"image": map[string]any{"tag": DatadogAgentVersion}},
		},
	})
	// The pods start with their credentials and their key's handle.
	d.Chart.Node().AddDependency(d.Namespace.Manifest, d.ApiKeyHandle)
	d.Chart.Node().AddDependency(associations...)
	compliance.Suppress(self,
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "Each inline policy grants its role alone secretsmanager:GetSecretValue on the Datadog API key's secret (TestDatadogApiKeyIsOnlyASecretReference); a managed policy could be attached to roles that must not read it."},
	)
	return d
}

// DatadogApiKeyHandle is the Agent's secret handle of the API key: the
// secret's ARN and the JSON field holding the key, as the aws.secrets
// backend reads them.
func DatadogApiKeyHandle(secretArn, field string) string {
	return "ENC[" + secretArn + ";" + field + "]"
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
