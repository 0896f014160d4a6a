package k8scheck

import (
	"encoding/json"
	"fmt"
)

// checkAddons checks that each managed add-on's ConfigurationValues is a
// JSON object. EKS validates the values against the add-on version's own
// schema (aws eks describe-addon-configuration), which needs AWS. For
// amazon-cloudwatch-observability that schema follows its Helm chart
// (github.com/aws-observability/helm-charts, chart 6.4.0 for
// v6.4.0-eksbuild.1), which the Go module proxy does not serve at any
// version: the keys are not checked here.
func checkAddons(addons []addonConfig) []Finding {
	var findings []Finding
	for _, a := range addons {
		var v map[string]any
		if err := json.Unmarshal([]byte(a.Values), &v); err != nil {
			findings = append(findings, Finding{Origin: a.Origin, Object: fmt.Sprintf("add-on %s %s", a.Addon, a.Version),
				Message: fmt.Sprintf("ConfigurationValues is not a JSON object: %v", err)})
		}
	}
	return findings
}
