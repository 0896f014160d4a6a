package k8scheck

import "fmt"

// chart is a Helm chart the app installs, as the check reads it from the Go
// module of the chart's source repository that go.mod pins, or, where the
// module proxy does not serve that repository, from the chart's files
// copied into vendored/ (Vendored).
type chart struct {
	// Repository, Name and Version are as the app's HelmChart names them.
	Repository, Name, Version string
	// AppVersion is what the chart deploys, e.g. the controller's version.
	AppVersion string
	// Module and ModuleVersion are the Go module holding the chart's source
	// and the version go.mod must pin; Dir is the chart's folder in it.
	Module, ModuleVersion, Dir string
	// Vendored, for a chart without a Module, is its folder under
	// vendored/ holding its Chart.yaml, values.yaml and, where the chart
	// has one, values.schema.json as released; VendoredBlobs are those
	// files' git blob ids in the chart repository at the release tag
	// (vendored/README.md), checked when the chart is loaded. A
	// values.schema.json is read when VendoredBlobs lists one.
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
	// ValuesRoot is the key of values.yaml under which the chart declares
	// the values a release sets ("" for the file's top level). Istio's
	// charts declare them under _internal_defaults_do_not_set and merge
	// the release's values, given at the top level, onto them
	// (templates/zzz_profile.yaml).
	ValuesRoot string
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

// falco and falcosidekick are the Falco project's charts as the platform
// pins them (constructs/cluster/falco.go, versions.go): Falco chart 9.1.0
// (Falco 0.44.1) and Falcosidekick chart 0.14.0 (Falcosidekick 2.32.0), at
// their release tags of github.com/falcosecurity/charts. The module proxy
// refuses that repository (403, "This module version is not available"),
// so their files are copied into vendored/ and checked against the blob ids
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

// istioModule is the istio.io/istio module go.mod pins, a commit of the
// release-1.30 branch after tag 1.30.3: the module proxy serves istio's
// source under pseudo-versions only (its tags, 1.30.3, are not module
// versions). Its charts (manifests/charts) say version 1.0.0, which
// Istio's release builder replaces when it publishes them, with the image
// tag in values.yaml. Base, istiod and cni at this commit are tag 1.30.3's
// files but for quoting fixes in istiod's injection templates; their
// values.yaml files are 1.30.3's byte for byte.
const (
	istioModule        = "istio.io/istio"
	istioModuleVersion = "v0.0.0-20260826214018-9739e10eb9d7"
	istioModuleChart   = "1.0.0"
	istioValuesRoot    = "_internal_defaults_do_not_set"
)

// istioCharts are Istio's base, istiod and cni charts as the platform pins
// them (constructs/cluster/versions.go), checked against the module's
// values.yaml: 1.30.3's keys are the module's; 1.29.6's are the module's
// less one key each, which the module's 1.30 added. The digests were taken
// from the files of tags 1.29.6 and 1.30.3 in istio's history. No chart
// has a values.schema.json; base's CRDs are templates (files/), not crds/,
// so the check knows no Istio kind and the app applies none.
var istioCharts = func() []*chart {
	type spec struct {
		name, dir, version, digest string
		added                      []string
	}
	var out []*chart
	for _, s := range []spec{
		{"base", "manifests/charts/base", "1.30.3", "ff44bc03fb778b1274916ef4118fa12e266c551422ac25773c05852370f305c0", nil},
		{"istiod", "manifests/charts/istio-control/istio-discovery", "1.30.3", "65c95194e63d352d982036e8912fec335e5ba3304a189097f775305860a07bf8", nil},
		{"cni", "manifests/charts/istio-cni", "1.30.3", "76d5f4a45c7ce9c0a9069e226bbe7dd205cc8e9fd3750e7edfe2424d4c8b4bf4", nil},
		{"base", "manifests/charts/base", "1.29.6", "0655565a113367dd70a2fb292e649e99bb3168d821eb759a7bcfb94604bc4134", []string{istioValuesRoot + ".global.enableReaderRBAC"}},
		{"istiod", "manifests/charts/istio-control/istio-discovery", "1.29.6", "0f8ee34aa716b937e2027f7d4ff24147b65c9c604e644957a25837f9711aaacc", []string{istioValuesRoot + ".taint.name"}},
		{"cni", "manifests/charts/istio-cni", "1.29.6", "fe02d37df1d41a5e0a60e6f48eaa95234739d89448b5fde806bb4db267d12a6c", []string{istioValuesRoot + ".useAppArmorAnnotation"}},
	} {
		out = append(out, &chart{
			Repository: "https://istio-release.storage.googleapis.com/charts", Name: s.name, Version: s.version, AppVersion: s.version,
			Module: istioModule, ModuleVersion: istioModuleVersion, Dir: s.dir, ModuleChartVersion: istioModuleChart,
			ValuesKeysDigest: s.digest, ValuesKeysAdded: s.added, ValuesRoot: istioValuesRoot,
		})
	}
	return out
}()

// datadog is the Datadog Agent's chart as the platform pins it
// (constructs/cluster/datadog.go). The module proxy does not serve
// github.com/DataDog/helm-charts (it answers 403 for the module and its
// versions), so the chart's Chart.yaml, values.yaml and values.schema.json
// are vendored from tag datadog-3.240.0 of its repository (commit
// dd34a01979936b64a6c54f86d69a978f38b8e612), and checked against the blob
// ids git gave them there: a release's values are checked key by key
// against values.yaml, and, merged onto them as Helm merges, against
// values.schema.json as Helm validates them.
var datadog = chart{
	Repository: "https://helm.datadoghq.com", Name: "datadog", Version: "3.240.0", AppVersion: "7",
	ModuleChartVersion: "3.240.0",
	Vendored:           "datadog-3.240.0",
	VendoredBlobs: map[string]string{
		"Chart.yaml":         "67670d3b89dc454f78a75a49cf1c86a553b865c5",
		"values.yaml":        "28b6124974f5905175b2dd798da759d5f4955f17",
		"values.schema.json": "d3a63baffcd1b52e383ffc157e6464225608b0a6",
	},
}

// charts are the charts the check knows; a release of any other is a
// finding.
var charts = append([]*chart{&lbController, &falco, &falcosidekick, &datadog}, istioCharts...)

func (c *chart) String() string { return fmt.Sprintf("chart %s %s", c.Name, c.Version) }

// absentFrom: Helm installs the CRDs in a chart's crds/ with its release, so
// a cluster has them only where a release of the chart is.
func (c *chart) absentFrom(cluster, crd string, releases []release) string {
	if installs(releases, cluster, c) {
		return ""
	}
	return fmt.Sprintf("no release of chart %s in cluster %s installs its CRD %s", c.Name, cluster, crd)
}
