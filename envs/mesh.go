package envs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecplatform/eks-platform/spec"
)

// Istio is a cluster's service mesh (docs/runbook.md, "Istio"): Istio in
// sidecar mode, with one control plane per revision. A catalog service
// that sets mesh: true gets the revision's injection label on its
// namespace on this cluster.
type Istio struct {
	// Revisions are the control planes installed, each an Istio release
	// the platform pins (1-29: 1.29.6, 1-30: 1.30.3): one, or two side by
	// side while namespaces move from one to the other.
	Revisions []string `json:"revisions" jsonschema:"minItems=1,maxItems=2"`
	// Revision is the control plane the meshed namespaces use (their
	// istio.io/rev label), and the one that validates Istio's resources.
	// @default the newest of revisions
	Revision string `json:"revision,omitempty"`
	// NamespaceRevisions moves single namespaces to another installed
	// revision ahead of the others: the canary step of an upgrade, e.g.
	// {members: 1-30}. A key is a meshed service's namespace (or the API
	// gateway's, with apiGateway).
	NamespaceRevisions map[string]string `json:"namespaceRevisions,omitempty"`
	// ApiGateway meshes the API gateway's namespace too. The ALBs still
	// reach its pods: they send plain HTTP to the pod port, which the
	// sidecar accepts in Istio's default PERMISSIVE mode. @default false
	ApiGateway bool `json:"apiGateway,omitempty"`
}

// RevisionOf is the revision the namespace is labelled with on a cluster
// of this mesh, given whether it is meshed at all ("" if not).
func (m *Istio) RevisionOf(namespace string, meshed bool) string {
	if m == nil || !meshed {
		return ""
	}
	if r, ok := m.NamespaceRevisions[namespace]; ok {
		return r
	}
	return m.Revision
}

// MeshRevision is the istio.io/rev label of the service's namespace on the
// named cluster, or "" where the namespace is not meshed.
func (c *Config) MeshRevision(svc Service, clusterName string) string {
	for _, cl := range c.Clusters {
		if cl.Name == clusterName {
			return cl.Istio.RevisionOf(svc.Namespace(), svc.Mesh)
		}
	}
	return ""
}

// Datadog sends every cluster's metrics and APM traces to Datadog
// (docs/runbook.md, "Datadog"). Config names the API key's secret, never
// the key.
type Datadog struct {
	// ApiKeySecretArn is the full ARN of the Secrets Manager secret holding
	// the API key, in the env's account and region (with the 6 characters
	// Secrets Manager appends to the name), e.g.
	// arn:aws:secretsmanager:ap-northeast-1:320987654321:secret:stg/datadog/api-key-AbC123.
	ApiKeySecretArn string `json:"apiKeySecretArn"`
	// ApiKeyField is the secret's JSON field that holds the key.
	// @default apiKey (Secrets Manager's DatadogApiKey secret type)
	ApiKeyField string `json:"apiKeyField,omitempty"`
	// Site is the Datadog site of the organization. @default datadoghq.com
	Site string `json:"site,omitempty" jsonschema:"enum=datadoghq.com,enum=us3.datadoghq.com,enum=us5.datadoghq.com,enum=datadoghq.eu,enum=ap1.datadoghq.com,enum=ap2.datadoghq.com,enum=ddog-gov.com"`
}

var (
	istioRevisionList = strings.Join(spec.IstioRevisions(), ", ")
)

// setMeshDefaults fills what Istio and Datadog leave out.
func setMeshDefaults(c *Config) {
	for i := range c.Clusters {
		m := c.Clusters[i].Istio
		if m == nil || m.Revision != "" {
			continue
		}
		newest := -1
		for _, r := range m.Revisions {
			if k := slices.Index(spec.IstioRevisions(), r); k > newest {
				newest, m.Revision = k, r
			}
		}
	}
	if d := c.Datadog; d != nil {
		if d.ApiKeyField == "" {
			d.ApiKeyField = spec.DefaultDatadogApiKeyField
		}
		if d.Site == "" {
			d.Site = spec.DefaultDatadogSite
		}
	}
}

func validateIstio(c *Config, cl Cluster, p *Path, errs *ErrorList) {
	m := cl.Istio
	if m == nil {
		return
	}
	rp := p.Child("revisions")
	switch n := len(m.Revisions); {
	case n == 0:
		errs.Required(rp, "the Istio control plane revision to install, one of "+istioRevisionList)
	case n > 2:
		errs.Add(rp, "at most 2 revisions run side by side (the one the namespaces leave and the one they move to), got %d: remove the oldest once no namespace uses it", n)
	}
	for i, r := range m.Revisions {
		if _, ok := spec.LookupIstioRelease(r); !ok {
			errs.NotSupported(rp.Index(i), r, spec.IstioRevisions())
		}
		if j := slices.Index(m.Revisions, r); j != i {
			errs.Add(rp.Index(i), "%q is also revisions[%d]: list each revision once", r, j)
		}
	}
	if m.Revision != "" && !slices.Contains(m.Revisions, m.Revision) {
		errs.Add(p.Child("revision"), "%q is not installed: must be one of revisions (%s); add it there first", m.Revision, strings.Join(m.Revisions, ", "))
	}
	meshed := map[string]bool{}
	for _, s := range c.Services {
		if s.Mesh && s.RunsOn(cl.Name) {
			meshed[s.Namespace()] = true
		}
	}
	if m.ApiGateway {
		meshed[c.Edge.ApiGateway.Namespace] = true
	}
	for _, ns := range sortedKeys(m.NamespaceRevisions) {
		np := p.Child("namespaceRevisions").Key(ns)
		if !meshed[ns] {
			errs.Add(np, "%s is not a meshed namespace on cluster %s: list the namespace of a service with mesh: true that runs here (or the API gateway's, with apiGateway: true)", ns, cl.Name)
		}
		if r := m.NamespaceRevisions[ns]; !slices.Contains(m.Revisions, r) {
			errs.Add(np, "%q is not installed: must be one of revisions (%s)", r, strings.Join(m.Revisions, ", "))
		}
	}
}

// validateServiceMesh refuses a service meshed where none of its clusters
// runs Istio: its namespace would get no label and its pods no sidecar.
func validateServiceMesh(c *Config, s Service, p *Path, errs *ErrorList) {
	if !s.Mesh {
		return
	}
	var runs, meshes []string
	for _, cl := range c.Clusters {
		if !s.RunsOn(cl.Name) {
			continue
		}
		runs = append(runs, cl.Name)
		if cl.Istio != nil {
			meshes = append(meshes, cl.Name)
		}
	}
	if len(runs) > 0 && len(meshes) == 0 {
		errs.Add(p.Child("mesh"), "none of the service's clusters (%s) runs Istio: add istio to one of them (clusters[].istio), or remove mesh", strings.Join(runs, ", "))
	}
}

func validateDatadog(c *Config, errs *ErrorList) {
	d := c.Datadog
	if d == nil {
		return
	}
	p := NewPath("datadog")
	ap := p.Child("apiKeySecretArn")
	switch region, account, ok := spec.ParseSecretArn(d.ApiKeySecretArn); {
	case d.ApiKeySecretArn == "":
		errs.Required(ap, "the full ARN of the Secrets Manager secret holding the Datadog API key (never the key itself)")
	case !ok:
		errs.Invalid(ap, fmt.Sprintf("%q", d.ApiKeySecretArn), "must be a Secrets Manager secret's full ARN, arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters> (the console shows it): a name or a partial ARN would make the Agents' roles read every secret it prefixes")
	case region != c.Region || account != c.Account:
		errs.Add(ap, "the secret is in %s of account %s; it must be in this env's %s of account %s, where the Agents' roles may read it", region, account, c.Region, c.Account)
	}
	if !spec.IsSecretJSONField(d.ApiKeyField) {
		errs.Invalid(p.Child("apiKeyField"), fmt.Sprintf("%q", d.ApiKeyField), "must be the JSON field of the secret that holds the key, e.g. apiKey")
	}
	if !slices.Contains(spec.DatadogSites, d.Site) {
		errs.NotSupported(p.Child("site"), d.Site, spec.DatadogSites)
	}
}
