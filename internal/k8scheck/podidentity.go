package k8scheck

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
)

// checkPodIdentities checks the namespace and service account each EKS Pod
// Identity association names: EKS takes any string, but a pod can only run
// as a service account the API server accepts, so a bad name is an
// association no pod ever uses.
func checkPodIdentities(ps []podIdentity) []Finding {
	var findings []Finding
	for _, p := range ps {
		desc := fmt.Sprintf("pod identity %s/%s", p.Namespace, p.ServiceAccount)
		if p.Namespace == "" {
			desc = fmt.Sprintf("pod identity of the add-on's service account %s", p.ServiceAccount)
		} else {
			for _, msg := range apivalidation.ValidateNamespaceName(p.Namespace, false) {
				findings = append(findings, Finding{Origin: p.Origin, Object: desc, Message: fmt.Sprintf("Namespace %q: %s", p.Namespace, msg)})
			}
		}
		for _, msg := range apivalidation.ValidateServiceAccountName(p.ServiceAccount, false) {
			findings = append(findings, Finding{Origin: p.Origin, Object: desc, Message: fmt.Sprintf("ServiceAccount %q: %s", p.ServiceAccount, msg)})
		}
	}
	return findings
}
