package k8scheck

import (
	"embed"
	"fmt"
)

// chart is a Helm chart the app installs, as the check reads it from the Go
// module of the chart's source repository that go.mod pins, or, where the
// module proxy does not serve that repository, from the chart's files
// copied into charts/ (Vendored).
type chart struct {
	// Repository, Name and Version are as the app's HelmChart names them.
	Repository, Name, Version string
	// AppVersion is what the chart deploys, e.g. the controller's version.
	AppVersion string
	// Module and ModuleVersion are the Go module holding the chart's source
	// and the version go.mod must pin; Dir is the chart's folder in it.
	Module, ModuleVersion, Dir string
	// Vendored, for a chart without a Module, is its folder under charts/
	// holding its Chart.yaml and values.yaml as released; VendoredBlobs
	// are those files' git blob ids in the chart repository at the
	// release tag (charts/README.md), checked when the chart is loaded.
	Vendored      string
	VendoredBlobs map[string]string
	// ModuleChartVersion is the chart version that module version holds.
	// When it is not Version, the module's files are used only where they
	// are proven to say what Version's say: a CRD version whose schemaDigest
	// is in CRDDigests, and values.yaml's keys less ValuesKeysAdded when
	// their keysDigest is ValuesKeysDigest. Everything else of the module
	// is not Version's, and an object that needs it is a finding.
	ModuleChartVersion string
	// CRDDigests are Version's schemaDigest by "<CRD name>/<version>".
	CRDDigests map[string]string
	// ValuesKeysDigest is keysDigest(valueKeyPaths) of Version's values.yaml.
	ValuesKeysDigest string
	// ValuesKeysAdded are key paths in the module's values.yaml that
	// Version's lacks.
	ValuesKeysAdded []string
}

// lbController is the AWS Load Balancer Controller's chart as the platform
// pins it (constructs/cluster/lbcontroller.go): chart 1.17.1, controller
// v2.17.1, eks-charts commit 9639b8b69c99 (tag v0.0.222). The check follows
// controller v2.17.1.
//
// The Go module proxy serves that commit under no version (it refuses
// v0.0.222, its pseudo-versions and the hash) and serves eks-charts only at
// v0.0.243-0.20260821194545-743f98a89b5b, which holds chart 3.5.0
// (controller v3.5.0). The digests below were taken from chart 1.17.1's
// files at 9639b8b69c99 in the eks-charts history: the TargetGroupBinding
// schemas (v1alpha1, v1beta1), IngressClassParams, ALBTargetControlConfig,
// GlobalAccelerator and ListenerRuleConfiguration v1beta1 of 3.5.0 validate
// an applied object exactly as 1.17.1's (only status and descriptions
// changed); 3.5.0's LoadBalancerConfiguration and TargetGroupConfiguration
// differ and its gateway.k8s.aws/v1 versions are new, so objects of those
// are not checkable here. 1.17.1's values.yaml keys are 3.5.0's less
// ValuesKeysAdded.
//
// Neither chart version has a values.schema.json (Helm validates values
// against nothing); loading fails if the pinned module's chart gains one,
// so that the check starts using it.
var lbController = chart{
	Repository:         "https://aws.github.io/eks-charts",
	Name:               "aws-load-balancer-controller",
	Version:            "1.17.1",
	AppVersion:         "v2.17.1",
	Module:             "github.com/aws/eks-charts",
	ModuleVersion:      "v0.0.243-0.20260821194545-743f98a89b5b",
	Dir:                "stable/aws-load-balancer-controller",
	ModuleChartVersion: "3.5.0",
	CRDDigests: map[string]string{
		"targetgroupbindings.elbv2.k8s.aws/v1alpha1":         "76091c96d8ffa92579a076f8821622797ff0335556f3a0575e31057b7a52a6b2",
		"targetgroupbindings.elbv2.k8s.aws/v1beta1":          "1108aa2c76505be0d5deaa01faf1d9d361841bab1033b82e05b132dbec5ede59",
		"ingressclassparams.elbv2.k8s.aws/v1beta1":           "07ff2b53571d0416d1d70f2ee2a10e68f14c18715b44cff5fe87e4ce8ad503a6",
		"albtargetcontrolconfigs.elbv2.k8s.aws/v1beta1":      "f92ac692588915b55e4c20adeb17199fb52bcfd1a7d5935ac032339e8f8bcfe7",
		"globalaccelerators.aga.k8s.aws/v1beta1":             "a303a88ef47d0fb167f9468a7d71fabbf82234b5edc316e9f90178ff6e0a7bd2",
		"listenerruleconfigurations.gateway.k8s.aws/v1beta1": "401e63fa34212d0145fd07e5f1ea8eb46f3d7cef811c9939c1014c7bfe67c14c",
		"loadbalancerconfigurations.gateway.k8s.aws/v1beta1": "e475cc0632cd637e7c9281390fb4cdf16855feb9987dfb12f87e3180f70cc8ca",
		"targetgroupconfigurations.gateway.k8s.aws/v1beta1":  "2dfbf0251348f4033c642660197970eb2798b07915dca8dd962d6064b5f4fe50",
	},
	ValuesKeysDigest: "14d147147621105e273d5cff3b5c9d0d351c473a11f43af340d45eacbb58cac7",
	ValuesKeysAdded: []string{
		"albGatewayMaxConcurrentReconciles", "certManagement", "nlbGatewayMaxConcurrentReconciles",
		"serviceMutatorWebhookConfig.namespaceSelectors", "targetgroupbindingRequeueDuration",
		"webhookConfig.ingressValdationFailurePolicy",
		"webhookConfig.ingressValidationNamespaceSelector", "webhookConfig.ingressValidationNamespaceSelector.matchExpressions",
		"webhookConfig.ingressValidationNamespaceSelector.matchLabels",
		"webhookConfig.ingressValidationObjectSelector", "webhookConfig.ingressValidationObjectSelector.matchExpressions",
		"webhookConfig.ingressValidationObjectSelector.matchLabels",
	},
}

// vendoredCharts holds the files of the charts whose source the module
// proxy does not serve (charts/README.md).
//
//go:embed charts/*/Chart.yaml charts/*/values.yaml
var vendoredCharts embed.FS

// falco and falcosidekick are the Falco project's charts as the platform
// pins them (constructs/cluster/falco.go, versions.go): Falco chart 9.1.0
// (Falco 0.44.1) and Falcosidekick chart 0.14.0 (Falcosidekick 2.32.0), at
// their release tags of github.com/falcosecurity/charts. The module proxy
// refuses that repository (403, "This module version is not available"),
// so their files are copied into charts/ and checked against the blob ids
// the tags hold. Neither has a values.schema.json (Helm validates their
// values against nothing) nor CRDs.
var (
	falco = chart{
		Repository: "https://falcosecurity.github.io/charts",
		Name:       "falco",
		Version:    "9.1.0",
		AppVersion: "0.44.1",
		Vendored:   "falco-9.1.0",
		VendoredBlobs: map[string]string{
			"Chart.yaml":  "02747b5ae250060d90c9f3b6cf45a34d54713987",
			"values.yaml": "3970183b0e2d5c97ba051873ce7c04b3930a34c9",
		},
	}
	falcosidekick = chart{
		Repository: "https://falcosecurity.github.io/charts",
		Name:       "falcosidekick",
		Version:    "0.14.0",
		AppVersion: "2.31.1",
		Vendored:   "falcosidekick-0.14.0",
		VendoredBlobs: map[string]string{
			"Chart.yaml":  "ab28f72bca3280b6f56dcf3a3f9c8fbbe5e736b2",
			"values.yaml": "7aaef3aa792cdbccfecaa5417727e05e462e881b",
		},
	}
)

// charts are the charts the check knows; a release of any other is a
// finding.
var charts = []*chart{&lbController, &falco, &falcosidekick}

func (c *chart) String() string { return fmt.Sprintf("chart %s %s", c.Name, c.Version) }

// absentFrom: Helm installs the CRDs in a chart's crds/ with its release, so
// a cluster has them only where a release of the chart is.
func (c *chart) absentFrom(cluster, crd string, releases []release) string {
	if installs(releases, cluster, c) {
		return ""
	}
	return fmt.Sprintf("no release of chart %s in cluster %s installs its CRD %s", c.Name, cluster, crd)
}
