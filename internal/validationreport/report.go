// Package validationreport audits the validation report the CDK CLI writes
// at synth (cdk.out/validation-report.json): aws-cdk-lib's "CloudFormation
// Validate" plugin checks every template against the CloudFormation
// schemas and rules, but acknowledges some findings itself, which then only
// show as suppressedViolations and fail nothing. This package fails on
// every violation, and on every suppressed one this project has not
// acknowledged with a reason and a test that proves the template right.
package validationreport

import (
	"encoding/json"
	"fmt"
	"os"
)

// CloudFormationValidate is the plugin aws-cdk-lib runs when cdk.json sets
// @aws-cdk/core:validateAgainstDefaultRules.
const CloudFormationValidate = "CloudFormation Validate"

// Report is the CLI's validation report (cloud assembly schema).
type Report struct {
	PluginReports []PluginReport `json:"pluginReports"`
}

// PluginReport is one validation plugin's findings.
type PluginReport struct {
	PluginName           string      `json:"pluginName"`
	PluginVersion        string      `json:"pluginVersion"`
	Conclusion           string      `json:"conclusion"`
	Violations           []Violation `json:"violations"`
	SuppressedViolations []Violation `json:"suppressedViolations"`
}

// Violation is one rule broken by one or more constructs. Suppressed ones
// carry who acknowledged them and why.
type Violation struct {
	RuleName            string               `json:"ruleName"`
	Description         string               `json:"description"`
	Severity            string               `json:"severity"`
	ViolatingConstructs []ViolatingConstruct `json:"violatingConstructs"`
	AcknowledgedID      string               `json:"acknowledgedId"`
	Reason              string               `json:"reason"`
	AcknowledgedAt      string               `json:"acknowledgedAt"`
}

// ViolatingConstruct is where a violation is.
type ViolatingConstruct struct {
	ConstructPath          string `json:"constructPath"`
	CloudFormationResource struct {
		TemplatePath  string   `json:"templatePath"`
		LogicalID     string   `json:"logicalId"`
		PropertyPaths []string `json:"propertyPaths"`
	} `json:"cloudFormationResource"`
}

// Read reads the report at path.
func Read(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w (is validation on? cdk.json's @aws-cdk/core:validateAgainstDefaultRules, no CDK_VALIDATION=false)", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}
