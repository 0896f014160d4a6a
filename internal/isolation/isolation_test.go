package isolation

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// fixture is an env t of two services as the app builds them: members
// (Aurora, its own key, its database admitting its pods) and catalog (a
// table encrypted with the shared key, granted under an encryption
// context naming it), the shared key and the app log stream partitioned
// by service. Paths are in the templates' metadata.
const fixture = `{
"t-svc": {"Resources": {
  "MembersRole": {"Type": "AWS::IAM::Role", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Identity/Role/Resource"},
    "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Principal": {"Service": "pods.eks.amazonaws.com"}}]}}},
  "MembersPolicy": {"Type": "AWS::IAM::ManagedPolicy", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Identity/Policy/Resource"},
    "Properties": {"Roles": [{"Ref": "MembersRole"}], "PolicyDocument": {"Statement": [
      {"Sid": "OwnSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:t/members/*"},
      {"Sid": "OwnDatabase", "Effect": "Allow", "Action": "rds-db:connect", "Resource": {"Fn::Join": ["", ["arn:aws:rds-db:us-east-1:111111111111:dbuser:", {"Fn::GetAtt": ["MembersDb", "DBClusterResourceId"]}, "/members"]]}}]}}},
  "MembersRepo": {"Type": "AWS::ECR::Repository", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Repository/Resource/Resource"},
    "Properties": {"RepositoryName": "services/members", "EncryptionConfiguration": {"KmsKey": {"Fn::ImportValue": "t-shared:KeyArn"}}}},
  "MembersDbKey": {"Type": "AWS::KMS::Key", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Database/Key/Resource"},
    "Properties": {"KeyPolicy": {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Resource": "*"}]}}},
  "MembersDb": {"Type": "AWS::RDS::DBCluster", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Database/Resource"},
    "Properties": {"DBClusterIdentifier": "t-members", "KmsKeyId": {"Fn::GetAtt": ["MembersDbKey", "Arn"]}, "VpcSecurityGroupIds": [{"Fn::GetAtt": ["MembersDbSg", "GroupId"]}]}},
  "MembersDbSg": {"Type": "AWS::EC2::SecurityGroup", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Database/SecurityGroup/Resource"},
    "Properties": {"GroupDescription": "members's database", "SecurityGroupEgress": [{"CidrIp": "255.255.255.255/32", "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}]}},
  "MembersPods": {"Type": "AWS::EC2::SecurityGroup", "Metadata": {"aws:cdk:path": "t/svc/Service-members/PodSecurityGroup/Resource"},
    "Properties": {"GroupDescription": "members's pods"}},
  "MembersDbIngress": {"Type": "AWS::EC2::SecurityGroupIngress", "Metadata": {"aws:cdk:path": "t/svc/Service-members/Database/SecurityGroup/from"},
    "Properties": {"GroupId": {"Fn::GetAtt": ["MembersDbSg", "GroupId"]}, "SourceSecurityGroupId": {"Fn::GetAtt": ["MembersPods", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}},
  "CatalogRole": {"Type": "AWS::IAM::Role", "Metadata": {"aws:cdk:path": "t/svc/Service-catalog/Identity/Role/Resource"},
    "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Principal": {"Service": "pods.eks.amazonaws.com"}}]}}},
  "CatalogPolicy": {"Type": "AWS::IAM::ManagedPolicy", "Metadata": {"aws:cdk:path": "t/svc/Service-catalog/Identity/Policy/Resource"},
    "Properties": {"Roles": [{"Ref": "CatalogRole"}], "PolicyDocument": {"Statement": [
      {"Sid": "OwnSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:t/catalog/*"},
      {"Sid": "OwnTable", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": {"Fn::GetAtt": ["CatalogTable", "Arn"]}},
      {"Sid": "OwnTableKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::ImportValue": "t-shared:KeyArn"},
       "Condition": {"StringEquals": {"kms:EncryptionContext:aws:dynamodb:tableName": {"Ref": "CatalogTable"}, "kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}}]}}},
  "CatalogTable": {"Type": "AWS::DynamoDB::Table", "Metadata": {"aws:cdk:path": "t/svc/Service-catalog/Table/Resource/Resource"},
    "Properties": {"TableName": "t-catalog", "SSESpecification": {"KMSMasterKeyId": {"Fn::ImportValue": "t-shared:KeyArn"}, "SSEEnabled": true}}},
  "CatalogPods": {"Type": "AWS::EC2::SecurityGroup", "Metadata": {"aws:cdk:path": "t/svc/Service-catalog/PodSecurityGroup/Resource"},
    "Properties": {"GroupDescription": "catalog's pods"}}
}},
"t-shared": {"Resources": {"SharedKey": {"Type": "AWS::KMS::Key", "Metadata": {"aws:cdk:path": "t/shared/Key/Resource"},
    "Properties": {"KeyPolicy": {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Resource": "*"}]}}}},
  "Outputs": {"KeyArn": {"Value": {"Fn::GetAtt": ["SharedKey", "Arn"]}, "Export": {"Name": "t-shared:KeyArn"}}}},
"t-logging": {"Resources": {
  "Archive": {"Type": "AWS::S3::Bucket", "Metadata": {"aws:cdk:path": "t/logging/Archive/Resource"}},
  "AppLogs": {"Type": "AWS::KinesisFirehose::DeliveryStream", "Metadata": {"aws:cdk:path": "t/logging/AppLogs"},
    "Properties": {"ExtendedS3DestinationConfiguration": {"BucketARN": {"Fn::GetAtt": ["Archive", "Arn"]},
      "Prefix": "logs/app/service=!{partitionKeyFromQuery:service}/dt=!{timestamp:yyyy-MM-dd}/"}}}}}
}`

func fixtureEnv(t *testing.T) Env {
	t.Helper()
	var stacks map[string]map[string]any
	if err := json.Unmarshal([]byte(fixture), &stacks); err != nil {
		t.Fatal(err)
	}
	env := Env{Name: "t", Account: "111111111111", Region: "us-east-1"}
	for name, body := range stacks {
		env.Templates = append(env.Templates, Template{Stack: name, Body: body})
	}
	return env
}

// edit is a change to the fixture: add statement st to the policy
// document at path (stack, logical id, then property keys), or put a
// resource.
type edit func(t *testing.T, env Env)

func template(env Env, stack string) map[string]any {
	for _, tmpl := range env.Templates {
		if tmpl.Stack == stack {
			return tmpl.Body["Resources"].(map[string]any)
		}
	}
	panic("no stack " + stack)
}

func addStatement(stack, id, doc string, st string) edit {
	return func(t *testing.T, env Env) {
		var s any
		if err := json.Unmarshal([]byte(st), &s); err != nil {
			t.Fatal(err)
		}
		d := template(env, stack)[id].(map[string]any)["Properties"].(map[string]any)[doc].(map[string]any)
		d["Statement"] = append(d["Statement"].([]any), s)
	}
}

func put(stack, id, res string) edit {
	return func(t *testing.T, env Env) {
		var r map[string]any
		if err := json.Unmarshal([]byte(res), &r); err != nil {
			t.Fatal(err)
		}
		template(env, stack)[id] = r
	}
}

func setProperty(stack, id, prop, value string) edit {
	return func(t *testing.T, env Env) {
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			t.Fatal(err)
		}
		template(env, stack)[id].(map[string]any)["Properties"].(map[string]any)[prop] = v
	}
}

func TestCheck(t *testing.T) {
	members := func(st string) edit { return addStatement("t-svc", "MembersPolicy", "PolicyDocument", st) }
	catalog := func(st string) edit { return addStatement("t-svc", "CatalogPolicy", "PolicyDocument", st) }
	for _, tc := range []struct {
		name string
		edit edit
		want []string // every finding, without the "t " env prefix
	}{
		{"the fixture is isolated", nil, nil},
		{"another service's table by GetAtt",
			members(`{"Sid": "X", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": {"Fn::GetAtt": ["CatalogTable", "Arn"]}}`),
			[]string{"t-svc MembersPolicy: service members's role may dynamodb:GetItem on catalog's table t-catalog (statement X)"}},
		{"another service's table index by name",
			members(`{"Sid": "X", "Effect": "Allow", "Action": ["dynamodb:Query", "sqs:SendMessage"], "Resource": "arn:aws:dynamodb:us-east-1:111111111111:table/t-catalog/index/*"}`),
			[]string{"t-svc MembersPolicy: service members's role may dynamodb:Query on catalog's table t-catalog (statement X)"}},
		{"another service's table by Fn::Sub",
			members(`{"Effect": "Allow", "Action": "dynamodb:*", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t-cat*"}}`),
			[]string{"t-svc MembersPolicy: service members's role may dynamodb:* on catalog's table t-catalog (statement #3)"}},
		{"its own table's index", catalog(`{"Sid": "X", "Effect": "Allow", "Action": "dynamodb:Query", "Resource": "arn:aws:dynamodb:us-east-1:111111111111:table/t-catalog/index/*"}`), nil},
		{"a table in another region is no other service's",
			members(`{"Sid": "X", "Effect": "Allow", "Action": "dynamodb:Query", "Resource": "arn:aws:dynamodb:eu-west-1:111111111111:table/t-catalog"}`), nil},
		{"a Deny grants nothing", members(`{"Effect": "Deny", "Action": "*", "Resource": "*"}`), nil},
		{"the env's secrets",
			members(`{"Sid": "X", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:111111111111:secret:t/*"}`),
			[]string{"t-svc MembersPolicy: service members's role may secretsmanager:GetSecretValue on catalog's secrets t/catalog/ (statement X)"}},
		{"another service's database user on any cluster",
			catalog(`{"Sid": "X", "Effect": "Allow", "Action": "rds-db:connect", "Resource": "arn:aws:rds-db:us-east-1:111111111111:dbuser:*/catalog"}`),
			[]string{"t-svc CatalogPolicy: service catalog's role may rds-db:connect on members's database t-members (statement X)"}},
		{"another service's repository",
			catalog(`{"Sid": "X", "Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "arn:aws:ecr:us-east-1:111111111111:repository/services/*"}`),
			[]string{"t-svc CatalogPolicy: service catalog's role may ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on members's repository services/members (statement X)"}},
		{"the shared key without an encryption context",
			members(`{"Sid": "X", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::ImportValue": "t-shared:KeyArn"}}`),
			[]string{"t-svc MembersPolicy: service members's role may kms:Decrypt on catalog's table t-catalog through the key t-shared/SharedKey that encrypts it (statement X)"}},
		{"the shared key under another service's encryption context",
			members(`{"Sid": "X", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": {"Fn::ImportValue": "t-shared:KeyArn"}, "Condition": {"StringEquals": {"kms:EncryptionContext:aws:dynamodb:tableName": "t-catalog"}}}`),
			[]string{
				"t-svc MembersPolicy: service members's role may kms:Decrypt on catalog's table t-catalog (statement X, condition kms:EncryptionContext:aws:dynamodb:tableName)",
				"t-svc MembersPolicy: service members's role may kms:Decrypt on catalog's table t-catalog through the key t-shared/SharedKey that encrypts it (statement X)",
			}},
		{"a data-plane action on any resource",
			catalog(`{"Sid": "X", "Effect": "Allow", "Action": ["kms:Decrypt", "logs:PutLogEvents"], "Resource": "*"}`),
			[]string{
				`t-svc CatalogPolicy: service catalog's role may kms:Decrypt on any resource (Resource "*") (statement X)`,
				"t-svc CatalogPolicy: service catalog's role may kms:Decrypt on members's key MembersDbKey (statement X)",
				"t-svc CatalogPolicy: service catalog's role may kms:Decrypt on members's repository services/members through the key t-shared/SharedKey that encrypts it (statement X)",
			}},
		{"NotResource",
			members(`{"Sid": "X", "Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::nothing/*"}`),
			[]string{
				`t-svc MembersPolicy: service members's role may s3:GetObject on any resource (Resource "*") (statement X)`,
				"t-svc MembersPolicy: service members's role may s3:GetObject on catalog's log partition logs/app/service=catalog/ (statement X)",
			}},
		{"an inline policy",
			setProperty("t-svc", "CatalogRole", "Policies", `[{"PolicyName": "extra", "PolicyDocument": {"Statement": [{"Sid": "X", "Effect": "Allow", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111111111111:repository/services/m*"}]}}]`),
			[]string{"t-svc CatalogRole: service catalog's role may ecr:* on members's repository services/members (statement X of inline policy extra)"}},
		{"an AWS managed policy",
			setProperty("t-svc", "CatalogRole", "ManagedPolicyArns", `["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]`),
			[]string{"t-svc CatalogRole: service catalog's role carries the managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, whose statements this check cannot read"}},
		{"a key policy granting another service's role",
			addStatement("t-svc", "MembersDbKey", "KeyPolicy", `{"Sid": "X", "Effect": "Allow", "Action": "kms:Decrypt", "Principal": {"AWS": {"Fn::GetAtt": ["CatalogRole", "Arn"]}}, "Resource": "*"}`),
			[]string{"t-svc MembersDbKey: service catalog's role may kms:Decrypt on members's key MembersDbKey (statement X)"}},
		{"a bucket policy granting every role of the account",
			put("t-logging", "ArchivePolicy", `{"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Archive"}, "PolicyDocument": {"Statement": [
				{"Sid": "X", "Effect": "Allow", "Action": "s3:GetObject", "Principal": {"AWS": "arn:aws:iam::111111111111:role/*"}, "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Archive", "Arn"]}, "/logs/*"]]}}]}}}`),
			[]string{
				"t-logging ArchivePolicy: service catalog's role may s3:GetObject on members's log partition logs/app/service=members/ (statement X)",
				"t-logging ArchivePolicy: service members's role may s3:GetObject on catalog's log partition logs/app/service=catalog/ (statement X)",
			}},
		{"a bucket policy for the account", put("t-logging", "ArchivePolicy", `{"Type": "AWS::S3::BucketPolicy", "Properties": {"PolicyDocument": {"Statement": [
				{"Effect": "Allow", "Action": "s3:GetObject", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Resource": "*"}]}}}`), nil},
		{"another service's pods into a database",
			put("t-svc", "Crossing", `{"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Fn::GetAtt": ["MembersDbSg", "GroupId"]}, "SourceSecurityGroupId": {"Fn::GetAtt": ["CatalogPods", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}}`),
			[]string{"t-svc Crossing: security group rule lets service catalog's pods security group CatalogPods into members's database security group MembersDbSg on tcp 5432"}},
		{"a CIDR into a database",
			setProperty("t-svc", "MembersDbSg", "SecurityGroupIngress", `[{"CidrIp": "10.0.0.0/8", "IpProtocol": "-1"}]`),
			[]string{"t-svc MembersDbSg: security group rule lets 10.0.0.0/8 into members's database security group MembersDbSg on all traffic"}},
		{"another service's pods out to a database",
			put("t-svc", "Crossing", `{"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {"GroupId": {"Fn::GetAtt": ["CatalogPods", "GroupId"]}, "DestinationSecurityGroupId": {"Fn::GetAtt": ["MembersDbSg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535}}`),
			[]string{"t-svc Crossing: security group rule lets service catalog's pods security group CatalogPods out to members's database security group MembersDbSg on tcp 0-65535"}},
		{"a group a database carries, outside its construct",
			func(t *testing.T, env Env) {
				put("t-svc", "Extra", `{"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "extra"}}`)(t, env)
				setProperty("t-svc", "MembersDb", "VpcSecurityGroupIds", `[{"Fn::GetAtt": ["MembersDbSg", "GroupId"]}, {"Fn::GetAtt": ["Extra", "GroupId"]}]`)(t, env)
				put("t-svc", "Crossing", `{"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Fn::GetAtt": ["Extra", "GroupId"]}, "SourceSecurityGroupId": {"Fn::GetAtt": ["CatalogPods", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432}}`)(t, env)
			},
			[]string{"t-svc Crossing: security group rule lets service catalog's pods security group CatalogPods into members's database security group Extra on tcp 5432"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := fixtureEnv(t)
			if tc.edit != nil {
				tc.edit(t, env)
			}
			r := Check(env)
			var got []string
			for _, f := range r.Findings {
				got = append(got, strings.TrimPrefix(f.String(), "t "))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestCheckCounts: what the check found to check in the fixture, so that
// the app test can require it.
func TestCheckCounts(t *testing.T) {
	r := Check(fixtureEnv(t))
	if got := r.ServiceNames(); !slices.Equal(got, []string{"catalog", "members"}) {
		t.Fatalf("services %v", got)
	}
	for svc, want := range map[string]ServiceCounts{
		// members: role, policy, repository, key, cluster, 2 groups, rule,
		// the shared key through its repository; its secrets and log
		// partition.
		"members": {Roles: 1, Statements: 2, Protected: 11, DataStores: 1, DatabaseGroups: 1, DatabaseRules: 1},
		// catalog: role, policy, table, group, the shared key through its
		// table; its secrets and log partition.
		"catalog": {Roles: 1, Statements: 3, Protected: 7, DataStores: 1},
	} {
		if got := *r.Services[svc]; got != want {
			t.Errorf("%s: %+v, want %+v", svc, got, want)
		}
	}
	// 2 and 3 in the services' policies, one in each key policy; members's
	// database's ingress and its group's inline egress.
	if r.Statements != 7 || r.Rules != 2 {
		t.Errorf("%d statements and %d rules walked, want 7 and 2", r.Statements, r.Rules)
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "arn:aws:s3:::b/k", true},
		{"arn:aws:secretsmanager:r:a:secret:prd/*", "arn:aws:secretsmanager:r:a:secret:prd/catalog/x-AbCdEf", true},
		{"arn:aws:secretsmanager:r:a:secret:prd/members/*", "arn:aws:secretsmanager:r:a:secret:prd/members-v2/x-AbCdEf", false},
		{"arn:aws:dynamodb:r:a:table/prd-catalog", "arn:aws:dynamodb:r:a:table/prd-catalog/index/x", false},
		{"arn:aws:dynamodb:r:a:table/prd-catalog*", "arn:aws:dynamodb:r:a:table/prd-catalog/index/x", true},
		{"arn:aws:rds-db:r:a:dbuser:*/m?mbers", "arn:aws:rds-db:r:a:dbuser:<s/Db.DBClusterResourceId>/members", true},
		{"a*b*c", "abxc", true},
		{"a*b*c", "acb", false},
		{"", "", true},
	} {
		if got := match(tc.pattern, tc.s); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
