package cfnschema

import "testing"

func TestAllowanceMatches(t *testing.T) {
	a := Allowance{ResourceType: "AWS::ElasticLoadBalancingV2::Listener", Path: "Properties.Rules[*].Name"}
	for _, tc := range []struct {
		name string
		f    Finding
		want bool
	}{
		{"the path", Finding{Type: a.ResourceType, Path: "Properties.Rules[3].Name"}, true},
		{"below the path", Finding{Type: a.ResourceType, Path: "Properties.Rules[0].Name.Value"}, true},
		{"another resource type", Finding{Type: "AWS::ElasticLoadBalancingV2::ListenerRule", Path: "Properties.Rules[0].Name"}, false},
		{"a longer name", Finding{Type: a.ResourceType, Path: "Properties.Rules[0].NameTag"}, false},
		{"above the path", Finding{Type: a.ResourceType, Path: "Properties.Rules[0]"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.Matches(tc.f); got != tc.want {
				t.Errorf("Matches(%s) = %v, want %v", tc.f.Path, got, tc.want)
			}
		})
	}
}

// TestAllowListEntriesAreComplete: every entry says what it accepts and why.
func TestAllowListEntriesAreComplete(t *testing.T) {
	for i, a := range AllowList {
		if a.ResourceType == "" || a.Path == "" || a.Reason == "" {
			t.Errorf("AllowList[%d] = %+v: resource type, path and reason are all required", i, a)
		}
	}
}

// TestAllowListSetsFindingsApart: a finding an entry accepts is reported in
// Allowed with its entry, not in Findings.
func TestAllowListSetsFindingsApart(t *testing.T) {
	spec, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	entry := Allowance{ResourceType: "AWS::EC2::FlowLog", Path: "Properties.DestinationOptions.fileFormat", Reason: "test"}
	saved := AllowList
	AllowList = []Allowance{entry}
	t.Cleanup(func() { AllowList = saved })

	camel := withFlowLog(`"PerHourPartition": "true"`, `"PerHourPartition": true, "fileFormat": "parquet", "perHourPartition": true`)
	report, err := spec.Validate(Template{File: "t.json", Body: []byte(flowLogTemplate(camel))})
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Allowed) != 1 || report.Allowed[0].Entry != entry || report.Allowed[0].Path != entry.Path {
		t.Errorf("Allowed = %v, want the fileFormat finding with its entry", report.Allowed)
	}
	if len(report.Findings) != 1 || report.Findings[0].Path != "Properties.DestinationOptions.perHourPartition" {
		t.Errorf("Findings = %v, want only perHourPartition", report.Findings)
	}
}
