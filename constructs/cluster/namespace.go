package cluster

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"k8s.io/apimachinery/pkg/util/validation"
)

// PodSecurityLevel is a Pod Security Standard the API server's admission
// controller enforces on a namespace.
type PodSecurityLevel string

// The Pod Security Standards, least strict first.
const (
	PodSecurityPrivileged PodSecurityLevel = "privileged"
	PodSecurityBaseline   PodSecurityLevel = "baseline"
	PodSecurityRestricted PodSecurityLevel = "restricted"
)

var podSecurityLevels = []PodSecurityLevel{PodSecurityPrivileged, PodSecurityBaseline, PodSecurityRestricted}

// NamespaceProps configures a Namespace.
type NamespaceProps struct {
	// Cluster holds the namespace; its kubectl provider applies it. Required.
	Cluster awseksv2.ICluster
	// Name is the namespace's name, a DNS label. Required.
	Name string
	// Enforce is the Pod Security Standard pods must meet to be admitted.
	// @default PodSecurityBaseline
	Enforce PodSecurityLevel
	// Warn and Audit report, without refusing, pods that miss this standard.
	// @default PodSecurityRestricted
	Warn PodSecurityLevel
	// Labels are extra labels; pod-security.kubernetes.io/ keys are set
	// from Enforce and Warn.
	Labels map[string]string
}

// Validate reports every problem with the props, by the API server's rules.
func (p NamespaceProps) Validate() error {
	var errs []error
	if p.Cluster == nil {
		errs = append(errs, errors.New("cluster: required"))
	}
	for _, m := range validation.IsDNS1123Label(p.Name) {
		errs = append(errs, fmt.Errorf("name: %q: %s", p.Name, m))
	}
	for _, l := range []struct {
		field string
		level PodSecurityLevel
	}{{"enforce", p.Enforce}, {"warn", p.Warn}} {
		if !slices.Contains(podSecurityLevels, l.level) {
			errs = append(errs, fmt.Errorf("%s: must be one of %v, got %q", l.field, podSecurityLevels, l.level))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Labels)) {
		v := p.Labels[k]
		for _, m := range validation.IsQualifiedName(k) {
			errs = append(errs, fmt.Errorf("labels: key %q: %s", k, m))
		}
		for _, m := range validation.IsValidLabelValue(v) {
			errs = append(errs, fmt.Errorf("labels[%q]: value %q: %s", k, v, m))
		}
	}
	return errors.Join(errs...)
}

// Namespace is a Kubernetes namespace the platform owns, with the Pod
// Security Standard its pods must meet (enforced, and a stricter one
// warned and audited so that tightening it later is seen coming).
type Namespace struct {
	constructs.Construct
	// Manifest applies the namespace; objects inside it depend on it.
	Manifest awseksv2.KubernetesManifest
	Name     string
}

// NewNamespace provisions the namespace; it panics on invalid props.
func NewNamespace(scope constructs.Construct, id string, p NamespaceProps) *Namespace {
	if p.Enforce == "" {
		p.Enforce = PodSecurityBaseline
	}
	if p.Warn == "" {
		p.Warn = PodSecurityRestricted
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	n := &Namespace{Construct: self, Name: p.Name}
	object := p.Object()
	n.Manifest = awseksv2.NewKubernetesManifest(self, jsii.String("Resource"), &awseksv2.KubernetesManifestProps{
		Cluster: p.Cluster,
		// The namespace may already exist (created by hand or by a chart's
		// --create-namespace): take it over instead of failing the deploy.
		Overwrite: jsii.Bool(true),
		Manifest:  &[]*map[string]any{&object},
	})
	return n
}

// Object is the Namespace object, for a manifest that applies it with
// other objects. Enforce and Warn must be set (NewNamespace defaults them).
func (p NamespaceProps) Object() map[string]any {
	labels := map[string]any{}
	for k, v := range p.Labels {
		labels[k] = v
	}
	labels["pod-security.kubernetes.io/enforce"] = string(p.Enforce)
	labels["pod-security.kubernetes.io/warn"] = string(p.Warn)
	labels["pod-security.kubernetes.io/audit"] = string(p.Warn)
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Namespace",
		"metadata":   map[string]any{"name": p.Name, "labels": labels},
	}
}
