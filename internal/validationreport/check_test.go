package validationreport

import (
	"encoding/json"
	"strings"
	"testing"
)

// azAck is the shape of the project's W3010 acknowledgement.
var azAck = Acknowledgement{Rule: "W3010", Construct: "*/network/Network/Vpc/*Subnet*/Subnet", Property: "Properties.AvailabilityZone", Reason: "r", Test: "test.TestX"}

// finding is one violation entry of a report, as the CLI writes it.
func finding(rule, construct, property, ackAt string) string {
	ack := ""
	if ackAt != "" {
		ack = `, "acknowledgedId": "CloudFormation-Validate::` + rule + `", "reason": "aws-cdk-lib's reason", "acknowledgedAt": "` + ackAt + `"`
	}
	return `{"ruleName": "` + rule + `", "description": "d", "severity": "warning", "violatingConstructs": [{"constructPath": "` + construct + `",
	  "cloudFormationResource": {"templatePath": "assembly-dev/devnetwork.template.json", "logicalId": "L", "propertyPaths": ["` + property + `"]}}]` + ack + `}`
}

func report(conclusion, violations, suppressed string) string {
	return `{"pluginReports": [{"pluginName": "CloudFormation Validate", "pluginVersion": "1.12.1", "conclusion": "` + conclusion + `",
	  "violations": [` + violations + `], "suppressedViolations": [` + suppressed + `]}]}`
}

func TestCheck(t *testing.T) {
	subnetAZ := finding("W3010", "dev/network/Network/Vpc/privateSubnet1/Subnet", "Properties.AvailabilityZone", "dev/network")
	for _, tc := range []struct {
		name   string
		report string
		acks   []Acknowledgement
		want   []string // a part of each problem, in order; none for a clean report
		acked  int
	}{
		{"acknowledged suppressed finding", report("success", "", subnetAZ), []Acknowledgement{azAck}, nil, 1},
		{"violation", report("failure", finding("E3002", "dev/network/X", "Properties.Y", ""), subnetAZ), []Acknowledgement{azAck},
			[]string{`conclusion "failure"`, "E3002 (warning) at dev/network/X [assembly-dev/devnetwork.template.json L Properties.Y]: d: a violation"}, 1},
		{"suppressed by aws-cdk-lib only", report("success", "", subnetAZ+","+finding("F3002", "dev/network/Network/Vpc/FlowLogs/FlowLog", "Properties.DestinationOptions.fileFormat", "dev/network/Network/Vpc/FlowLogs")),
			[]Acknowledgement{azAck}, []string{`F3002 (warning) at dev/network/Network/Vpc/FlowLogs/FlowLog [assembly-dev/devnetwork.template.json L Properties.DestinationOptions.fileFormat]: d: suppressed at dev/network/Network/Vpc/FlowLogs ("aws-cdk-lib's reason") but not acknowledged`}, 1},
		{"same rule, other property", report("success", "", finding("W3010", "dev/network/Network/Vpc/privateSubnet1/Subnet", "Properties.CidrBlock", "dev/network")+","+subnetAZ),
			[]Acknowledgement{azAck}, []string{"W3010 (warning) at dev/network/Network/Vpc/privateSubnet1/Subnet [assembly-dev/devnetwork.template.json L Properties.CidrBlock]"}, 1},
		{"same rule, other construct", report("success", "", finding("W3010", "dev/edge-blue/Alb/Resource", "Properties.AvailabilityZone", "dev/edge-blue")+","+subnetAZ),
			[]Acknowledgement{azAck}, []string{"W3010 (warning) at dev/edge-blue/Alb/Resource"}, 1},
		{"acknowledgement nothing needs", report("success", "", ""), []Acknowledgement{azAck},
			[]string{"acknowledgement W3010 at */network/Network/Vpc/*Subnet*/Subnet Properties.AvailabilityZone matches no finding of the report: remove it"}, 0},
		{"validation did not run", `{"pluginReports": []}`, nil, []string{`no "CloudFormation Validate" plugin report`}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Report
			if err := json.Unmarshal([]byte(tc.report), &r); err != nil {
				t.Fatal(err)
			}
			res := Check(&r, tc.acks)
			if len(res.Problems) != len(tc.want) {
				t.Fatalf("problems:\n%s\nwant %d", strings.Join(res.Problems, "\n"), len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(res.Problems[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, res.Problems[i], w)
				}
			}
			if res.Acknowledged != tc.acked {
				t.Errorf("acknowledged %d, want %d", res.Acknowledged, tc.acked)
			}
		})
	}
}
