package cluster

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// LabelIstioRevision is the namespace label that picks the control plane
// whose webhook injects the sidecar into the namespace's new pods.
const LabelIstioRevision = "istio.io/rev"

// The Helm releases of an Istio installation.
const (
	IstioBaseRelease = "istio-base"
	IstioCniRelease  = "istio-cni"
)

// IstiodRelease is the Helm release of one control plane revision.
func IstiodRelease(revision string) string { return "istiod-" + revision }

// IstioProps configures an Istio installation on one cluster.
type IstioProps struct {
	// Revisions are the control planes installed, each a revision of the
	// release table (spec.IstioRevisions): one, or two side by side while the
	// namespaces move from the older to the newer. Required.
	Revisions []string
	// DefaultRevision validates Istio's resources for the cluster (istio-base's
	// defaultRevision): the revision the namespaces are labelled with.
	// @default the newest of Revisions
	DefaultRevision string
}

// Validate reports every problem with the props.
func (p IstioProps) Validate() error {
	var errs []error
	switch n := len(p.Revisions); {
	case n == 0:
		errs = append(errs, errors.New("revisions: at least one control plane revision"))
	case n > 2:
		errs = append(errs, fmt.Errorf("revisions: at most 2 control planes side by side (the one the namespaces leave and the one they move to), got %v", p.Revisions))
	}
	for i, r := range p.Revisions {
		if _, ok := spec.LookupIstioRelease(r); !ok {
			errs = append(errs, fmt.Errorf("revisions[%d]: must be one of %v, got %q", i, spec.IstioRevisions(), r))
		}
		if slices.Index(p.Revisions, r) != i {
			errs = append(errs, fmt.Errorf("revisions[%d]: %q is listed twice", i, r))
		}
	}
	if p.DefaultRevision != "" && !slices.Contains(p.Revisions, p.DefaultRevision) {
		errs = append(errs, fmt.Errorf("defaultRevision: must be one of revisions %v, got %q", p.Revisions, p.DefaultRevision))
	}
	return errors.Join(errs...)
}

// Istio is the Istio service mesh of a cluster, in sidecar mode, installed
// from Istio's Helm charts through the cluster's kubectl provider:
//   - istio-base: Istio's CRDs and the validation webhook of DefaultRevision;
//   - istio-cni: the CNI node agent, which sets up each meshed pod's
//     traffic redirection from the node, so that the injected pods need no
//     NET_ADMIN init container and still meet the restricted Pod Security
//     Standard of the services' namespaces;
//   - istiod-<revision>: one control plane per revision. A namespace
//     labelled istio.io/rev=<revision> gets that revision's sidecar in its
//     new pods; an upgrade installs the next revision beside the current
//     one and moves namespaces by their label (a canary of the control
//     plane), then removes the old one.
//
// Base and CNI are cluster-wide and follow the newest revision installed:
// each Istio release supports the control planes and proxies of the
// releases just before it.
//
// No PeerAuthentication is applied: Istio's default mutual TLS mode,
// PERMISSIVE, accepts plain text too, which the ALBs send to the API
// gateway's pods (docs/runbook.md).
type Istio struct {
	constructs.Construct
	Namespace *Namespace
	Base, Cni awseksv2.HelmChart
	// Istiod are the control planes by revision.
	Istiod map[string]awseksv2.HelmChart
	// Revisions are the installed revisions; DefaultRevision validates.
	Revisions       []string
	DefaultRevision string
}

// AddIstio installs Istio on c; it panics on invalid props.
func (c *Cluster) AddIstio(p IstioProps) *Istio {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/Istio: %w", *c.Node().Path(), err))
	}
	newest := p.Revisions[0]
	for _, r := range p.Revisions {
		if slices.Index(spec.IstioRevisions(), r) > slices.Index(spec.IstioRevisions(), newest) {
			newest = r
		}
	}
	if p.DefaultRevision == "" {
		p.DefaultRevision = newest
	}
	self := constructs.NewConstruct(c.Construct, jsii.String("Istio"))
	i := &Istio{Construct: self, Istiod: map[string]awseksv2.HelmChart{}, Revisions: slices.Clone(p.Revisions), DefaultRevision: p.DefaultRevision}
	// The CNI node agent runs privileged on the host network: the
	// namespace is privileged, and holds nothing else but the control planes.
	i.Namespace = NewNamespace(self, "Namespace", NamespaceProps{
		Cluster: c.Cluster, Name: spec.IstioNamespace, Enforce: PodSecurityPrivileged, Warn: PodSecurityPrivileged,
	})
	chart := func(id, name, release string, version string, values map[string]any) awseksv2.HelmChart {
		h := awseksv2.NewHelmChart(self, jsii.String(id), &awseksv2.HelmChartProps{
			Cluster:    c.Cluster,
			Chart:      jsii.String(name),
			Repository: jsii.String(IstioChartRepository),
			Release:    jsii.String(release),
			Namespace:  jsii.String(spec.IstioNamespace),
			Version:    jsii.String(version),
			Wait:       jsii.Bool(true),
			Timeout:    awscdk.Duration_Minutes(jsii.Number(15)),
			Values:     &values,
		})
		h.Node().AddDependency(i.Namespace.Manifest)
		return h
	}
	latest, _ := spec.LookupIstioRelease(newest)
	i.Base = chart("Base", "base", IstioBaseRelease, latest.Version, map[string]any{
		// The validation webhook of the revision the namespaces use.
		"defaultRevision": p.DefaultRevision,
	})
	// The CNI node agent's defaults: chained after the VPC CNI, from
	// /opt/cni/bin and /etc/cni/net.d as on EKS nodes.
	i.Cni = chart("Cni", "cni", IstioCniRelease, latest.Version, map[string]any{})
	i.Cni.Node().AddDependency(i.Base)
	for _, r := range p.Revisions {
		rel, _ := spec.LookupIstioRelease(r)
		h := chart("Istiod-"+r, "istiod", IstiodRelease(r), rel.Version, map[string]any{
			"revision": r,
			// The CNI node agent redirects the pods' traffic; no
			// istio-init container with NET_ADMIN is injected.
			"cni": map[string]any{"enabled": true},
			// Two replicas at least: while none runs, no pod of a meshed
			// namespace can start (the injection webhook fails closed).
			"autoscaleMin": 2,
			// The injected containers (istio-proxy, istio-validation) run
			// as 1337 with no capability (CNI mode); with the runtime's
			// default seccomp profile they meet the restricted Pod Security
			// Standard of the services' namespaces on their own, whatever
			// the pod sets.
			"global": map[string]any{"proxy": map[string]any{"seccompProfile": map[string]any{"type": "RuntimeDefault"}}},
		})
		h.Node().AddDependency(i.Base, i.Cni)
		i.Istiod[r] = h
	}
	return i
}

// InjectionLabels are the labels that mesh a namespace with revision.
func InjectionLabels(revision string) map[string]string {
	return map[string]string{LabelIstioRevision: revision}
}
