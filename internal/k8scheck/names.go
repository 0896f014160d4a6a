package k8scheck

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// nameRules are the kinds whose metadata.name the API server checks with a
// rule other than a DNS-1123 subdomain (the rule of every other built-in
// kind and of every custom resource), as k8s.io/kubernetes'
// pkg/apis/*/validation defines them.
var nameRules = map[schema.GroupKind]apivalidation.ValidateNameFunc{
	{Kind: "Namespace"}: apivalidation.ValidateNamespaceName, // DNS-1123 label
	{Kind: "Service"}:   apivalidation.NameIsDNS1035Label,    // a DNS name of its own: starts with a letter
	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:                path.ValidatePathSegmentName,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:         path.ValidatePathSegmentName,
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:         path.ValidatePathSegmentName,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:  path.ValidatePathSegmentName,
	{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}: path.ValidatePathSegmentName,
	{Group: "batch", Kind: "CronJob"}:                                 cronJobName,
}

// cronJobName: a CronJob's Jobs are named <name>-<11 digits>, and must be
// DNS-1123 subdomains that fit in a label value, so 52 characters at most.
func cronJobName(name string, prefix bool) []string {
	errs := apivalidation.NameIsDNSSubdomain(name, prefix)
	if len(name) > 52 {
		errs = append(errs, fmt.Sprintf("must be no more than 52 characters, got %d", len(name)))
	}
	return errs
}

// nameRule is the API server's rule for a kind's metadata.name.
func nameRule(gk schema.GroupKind) apivalidation.ValidateNameFunc {
	if f, ok := nameRules[gk]; ok {
		return f
	}
	return apivalidation.NameIsDNSSubdomain
}
