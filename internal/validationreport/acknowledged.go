package validationreport

// Acknowledgement accepts one suppressed finding of the report: a rule, at
// the constructs a pattern matches, at one property.
type Acknowledgement struct {
	Rule string // e.g. W3010
	// Construct is a path.Match pattern of construct paths
	// (dev/network/Network/Vpc/privateSubnet1/Subnet).
	Construct string
	Property  string // the property path, e.g. Properties.AvailabilityZone
	Reason    string
	// Test is the Go test that proves the final template right for this
	// finding: <package dir>.<TestName>, e.g. test.TestSubnets...
	Test string
}

// Acknowledged is every suppressed finding the project accepts. aws-cdk-lib
// suppresses others itself (F3002 on the flow log's camelCase
// DestinationOptions, which constructs/network now renames): any such
// finding that comes back fails.
var Acknowledged = []Acknowledgement{
	{
		Rule:      "W3010",
		Construct: "*/network/Network/Vpc/*Subnet*/Subnet",
		Property:  "Properties.AvailabilityZone",
		Reason: "Avoid hardcoding availability zones: the zones are each env's configured availabilityZones, " +
			"set as the stage's availability-zones context so that synth needs no AWS lookup; literal, reviewed, deterministic.",
		Test: "test.TestSubnetsUseConfiguredAvailabilityZones",
	},
	{
		Rule:      "W3010",
		Construct: "*/services-*/Service-*/Database/Instance*",
		Property:  "Properties.AvailabilityZone",
		Reason: "Avoid hardcoding availability zones: each Aurora instance is placed in another of the env's configured " +
			"availabilityZones, so that the writer and its readers never share a zone; RDS, left to choose, may put them together.",
		Test: "test.TestAuroraInstancesSpreadOverConfiguredZones",
	},
}
