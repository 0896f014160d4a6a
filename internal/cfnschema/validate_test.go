package cfnschema

import (
	"strings"
	"testing"
)

// flowLogTemplate is a small template around one flow log to S3, the
// resource aws-cdk-lib renders with camelCase DestinationOptions; resource
// replaces the flow log's body.
func flowLogTemplate(resource string) string {
	return `{
 "Parameters": {
  "Interval": {"Type": "Number"},
  "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}
 },
 "Conditions": {"Parquet": {"Fn::Equals": ["a", "a"]}},
 "Mappings": {"Formats": {"ap-northeast-1": {"Format": "parquet"}, "us-east-1": {"Format": "plain-text"}}},
 "Resources": {
  "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
  "Bucket": {"Type": "AWS::S3::Bucket"},
  "FlowLog": ` + resource + `
 }
}`
}

// validFlowLog is a flow log as CloudFormation's schema has it.
const validFlowLog = `{
  "Type": "AWS::EC2::FlowLog",
  "Properties": {
   "ResourceId": {"Ref": "Vpc"},
   "ResourceType": "VPC",
   "LogDestinationType": "s3",
   "LogDestination": {"Fn::GetAtt": ["Bucket", "Arn"]},
   "MaxAggregationInterval": 60,
   "DestinationOptions": {"FileFormat": "parquet", "HiveCompatiblePartitions": true, "PerHourPartition": "true"},
   "Tags": [{"Key": "env", "Value": "dev"}]
  },
  "Metadata": {"aws:cdk:path": "dev/network/Network/Vpc/FlowLogs/FlowLog"}
 }`

// withFlowLog returns validFlowLog with old replaced by new.
func withFlowLog(old, new string) string {
	if !strings.Contains(validFlowLog, old) {
		panic("test bug: " + old + " is not in validFlowLog")
	}
	return strings.Replace(validFlowLog, old, new, 1)
}

func TestValidate(t *testing.T) {
	spec, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	type want struct{ path, message string }
	for _, tc := range []struct {
		name     string
		resource string
		want     []want // every finding, by path and a part of its message; none for a valid template
	}{
		{"valid flow log", validFlowLog, nil},
		{"camelCase destination options", withFlowLog(`"PerHourPartition": "true"`, `"PerHourPartition": true, "fileFormat": "parquet"`),
			[]want{{"Properties.DestinationOptions.fileFormat", "unknown property fileFormat of DestinationOptions (did you mean FileFormat?) (older aws-cdk-lib typings of DestinationOptions as json accepted this"}}},
		{"camelCase only: required PascalCase missing too", withFlowLog(`"FileFormat": "parquet"`, `"fileFormat": "parquet"`),
			[]want{{"Properties.DestinationOptions.FileFormat", "missing required property FileFormat of DestinationOptions"}, {"Properties.DestinationOptions.fileFormat", "did you mean FileFormat?"}}},
		{"missing required property", withFlowLog(`"ResourceType": "VPC",`, ``),
			[]want{{"Properties.ResourceType", "missing required property ResourceType of AWS::EC2::FlowLog"}}},
		{"required property left out by AWS::NoValue", withFlowLog(`"ResourceType": "VPC"`, `"ResourceType": {"Ref": "AWS::NoValue"}`),
			[]want{{"Properties.ResourceType", "missing required property ResourceType"}}},
		{"no properties at all", `{"Type": "AWS::EC2::FlowLog"}`,
			[]want{{"Properties.ResourceId", "missing required"}, {"Properties.ResourceType", "missing required"}}},
		{"string for an integer", withFlowLog(`"MaxAggregationInterval": 60`, `"MaxAggregationInterval": "one minute"`),
			[]want{{"Properties.MaxAggregationInterval", `want integer, got "one minute"`}}},
		{"fraction for an integer", withFlowLog(`"MaxAggregationInterval": 60`, `"MaxAggregationInterval": 60.5`),
			[]want{{"Properties.MaxAggregationInterval", "want integer, got number 60.5"}}},
		{"numeric string for an integer", withFlowLog(`"MaxAggregationInterval": 60`, `"MaxAggregationInterval": "60"`), nil},
		{"word for a boolean", withFlowLog(`"HiveCompatiblePartitions": true`, `"HiveCompatiblePartitions": "yes"`),
			[]want{{"Properties.DestinationOptions.HiveCompatiblePartitions", `want boolean, got "yes"`}}},
		{"object for a string", withFlowLog(`"ResourceType": "VPC"`, `"ResourceType": {"Name": "VPC"}`),
			[]want{{"Properties.ResourceType", "want string, got an object"}}},
		{"scalar for a list", withFlowLog(`"Tags": [{"Key": "env", "Value": "dev"}]`, `"Tags": "env=dev"`),
			[]want{{"Properties.Tags", `want list of tag {Key, Value}, got "env=dev"`}}},
		{"tag without a value", withFlowLog(`{"Key": "env", "Value": "dev"}`, `{"Key": "env", "value": "dev"}`),
			[]want{{"Properties.Tags[0].Value", "missing required property Value of Tag"}, {"Properties.Tags[0].value", "did you mean Value?"}}},
		{"intrinsics in place of values", withFlowLog(`"MaxAggregationInterval": 60`, `"MaxAggregationInterval": {"Ref": "Interval"},
   "DeliverLogsPermissionArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::1:role/x"]]},
   "LogFormat": {"Fn::If": ["Parquet", {"Fn::Sub": "${AWS::Region}"}, {"Ref": "AWS::NoValue"}]},
   "TrafficType": {"Fn::Select": [0, ["ALL", "REJECT"]]},
   "LogGroupName": {"Fn::Select": [1, {"Fn::GetAZs": ""}]},
   "DeliverCrossAccountRole": {"Fn::ImportValue": "role"}`), nil},
		{"intrinsics in place of objects and lists", withFlowLog(`"DestinationOptions": {"FileFormat": "parquet", "HiveCompatiblePartitions": true, "PerHourPartition": "true"}`,
			`"DestinationOptions": {"Fn::If": ["Parquet", {"FileFormat": {"Fn::FindInMap": ["Formats", {"Ref": "AWS::Region"}, "Format"]}, "HiveCompatiblePartitions": true, "PerHourPartition": true}, {"Ref": "AWS::NoValue"}]}`), nil},
		{"intrinsic of the wrong shape", withFlowLog(`"Tags": [{"Key": "env", "Value": "dev"}]`, `"Tags": {"Fn::ImportValue": "tags"}`),
			[]want{{"Properties.Tags", "Fn::ImportValue gives string, the schema wants list of tag {Key, Value}"}}},
		{"list parameter for a string", withFlowLog(`"ResourceId": {"Ref": "Vpc"}`, `"ResourceId": {"Ref": "Subnets"}`),
			[]want{{"Properties.ResourceId", "Ref Subnets (List<AWS::EC2::Subnet::Id>) gives list of string, the schema wants string"}}},
		{"wrong branch of Fn::If", withFlowLog(`"MaxAggregationInterval": 60`, `"MaxAggregationInterval": {"Fn::If": ["Parquet", 60, "a minute"]}`),
			[]want{{"Properties.MaxAggregationInterval", `want integer, got "a minute"`}}},
		{"mapping value of the wrong type", withFlowLog(`"MaxAggregationInterval": 60`, `"MaxAggregationInterval": {"Fn::FindInMap": ["Formats", {"Ref": "AWS::Region"}, "Format"]}`),
			[]want{{"Properties.MaxAggregationInterval", `want integer, got "parquet"`}, {"Properties.MaxAggregationInterval", `want integer, got "plain-text"`}}},
		{"attribute typed by the schema", withFlowLog(`"ResourceId": {"Ref": "Vpc"}`, `"ResourceId": {"Fn::GetAtt": ["Vpc", "CidrBlockAssociations"]}`),
			[]want{{"Properties.ResourceId", "Fn::GetAtt Vpc.CidrBlockAssociations gives list of string, the schema wants string"}}},
		{"unknown attribute", withFlowLog(`["Bucket", "Arn"]`, `["Bucket", "ARN"]`),
			[]want{{"Properties.LogDestination", "AWS::S3::Bucket has no attribute ARN (did you mean Arn?)"}}},
		{"Ref to nothing", withFlowLog(`{"Ref": "Vpc"}`, `{"Ref": "Vpc2"}`),
			[]want{{"Properties.ResourceId", "Ref Vpc2 names no parameter, resource or pseudo parameter"}}},
		{"unknown resource type", withFlowLog(`"AWS::EC2::FlowLog"`, `"AWS::EC2::Flowlog"`),
			[]want{{"Type", "unknown resource type AWS::EC2::Flowlog (did you mean AWS::EC2::FlowLog?)"}}},
		{"unknown top-level resource key", withFlowLog(`"Metadata"`, `"metadata"`),
			[]want{{"metadata", "unknown resource key metadata (did you mean Metadata?)"}}},
		{"invalid deletion policy", withFlowLog(`"Type"`, `"DeletionPolicy": "Keep", "Type"`),
			[]want{{"DeletionPolicy", `must be one of Delete, Retain, RetainExceptOnCreate, Snapshot, got "Keep"`}}},
		{"RetainExceptOnCreate is no update replace policy", withFlowLog(`"Type"`, `"UpdateReplacePolicy": "RetainExceptOnCreate", "Type"`),
			[]want{{"UpdateReplacePolicy", "must be one of Delete, Retain, Snapshot"}}},
		{"DependsOn an unknown resource", withFlowLog(`"Type"`, `"DependsOn": ["Bucket", "Buckett"], "Type"`),
			[]want{{"DependsOn[1]", `names no other resource of this template: "Buckett"`}}},
		{"null for a string", withFlowLog(`"ResourceType": "VPC"`, `"ResourceType": null`),
			[]want{{"Properties.ResourceType", "null is not allowed in a template"}}},
		{"custom resource properties are its provider's", `{"Type": "Custom::Anything", "Properties": {"ServiceToken": {"Fn::GetAtt": ["Bucket", "Arn"]}, "whatever": [1, {"a": "b"}]}}`, nil},
		{"custom resource needs a service token", `{"Type": "AWS::CloudFormation::CustomResource", "Properties": {"Free": 1}}`,
			[]want{{"Properties.ServiceToken", "missing required property ServiceToken"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report, err := spec.Validate(Template{File: "test.template.json", Body: []byte(flowLogTemplate(tc.resource))})
			if err != nil {
				t.Fatal(err)
			}
			matched := make([]bool, len(tc.want))
			for _, f := range report.Findings {
				ok := false
				for i, w := range tc.want {
					if !matched[i] && f.Path == w.path && strings.Contains(f.Message, w.message) {
						matched[i], ok = true, true
						break
					}
				}
				if !ok {
					t.Errorf("unexpected finding: %s", f)
				}
				if f.File != "test.template.json" || f.LogicalID != "FlowLog" {
					t.Errorf("finding does not name the file and logical id: %s", f)
				}
			}
			for i, w := range tc.want {
				if !matched[i] {
					t.Errorf("no finding at %s containing %q", w.path, w.message)
				}
			}
		})
	}
}

// TestFindingNamesConstructPath: a finding names the construct that made
// the resource, from the template's aws:cdk:path metadata or else from the
// paths the caller read in the cloud assembly.
func TestFindingNamesConstructPath(t *testing.T) {
	spec, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	camel := withFlowLog(`"FileFormat"`, `"fileFormat"`)
	for _, tc := range []struct {
		name     string
		resource string
		paths    map[string]string
		want     string
	}{
		{"from metadata", camel, map[string]string{"FlowLog": "ignored"}, "FlowLog (AWS::EC2::FlowLog, dev/network/Network/Vpc/FlowLogs/FlowLog)"},
		{"from the assembly", strings.Replace(camel, `"aws:cdk:path"`, `"other"`, 1), map[string]string{"FlowLog": "prd/network/FlowLog"}, "FlowLog (AWS::EC2::FlowLog, prd/network/FlowLog)"},
		{"unknown", strings.Replace(camel, `"aws:cdk:path"`, `"other"`, 1), nil, "FlowLog (AWS::EC2::FlowLog)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report, err := spec.Validate(Template{File: "dev-network.template.json", Body: []byte(flowLogTemplate(tc.resource)), ConstructPaths: tc.paths})
			if err != nil {
				t.Fatal(err)
			}
			want := "dev-network.template.json: " + tc.want + ": Properties.DestinationOptions.fileFormat: unknown property fileFormat of DestinationOptions (did you mean FileFormat?)"
			for _, f := range report.Findings {
				if strings.HasPrefix(f.String(), want) {
					return
				}
			}
			t.Errorf("no finding starts with\n%s\ngot %v", want, report.Findings)
		})
	}
}

// TestTemplateSections: a template needs resources, and only has the
// sections CloudFormation knows.
func TestTemplateSections(t *testing.T) {
	spec, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, template, want string }{
		{"no resources", `{"Resources": {}}`, "Resources: a template needs at least one resource"},
		{"unknown section", `{"Output": {}, "Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`, "Output: unknown template section Output"},
		{"not JSON", `{"Resources": `, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report, err := spec.Validate(Template{File: "t.json", Body: []byte(tc.template)})
			got := ""
			if err != nil {
				got = err.Error()
			}
			for _, f := range report.Findings {
				got += f.String() + "\n"
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}
