package test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/isolation"
)

// isolationEnv is env's templates in the assembly at dir, with the
// construct path of each logical id (the test synthesis writes no path
// metadata into templates; the assembly has it).
func isolationEnv(t *testing.T, dir string, cfg *envs.Config) isolation.Env {
	t.Helper()
	stacks, err := assembly.Stacks(dir, cfg.Name)
	if err != nil {
		t.Fatal(err)
	}
	env := isolation.Env{Name: cfg.Name, Account: cfg.Account, Region: cfg.Region}
	for _, s := range stacks {
		data, err := os.ReadFile(s.TemplateFile)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.Unmarshal(data, &body); err != nil {
			t.Fatal(err)
		}
		paths, err := s.ConstructPaths()
		if err != nil {
			t.Fatal(err)
		}
		env.Templates = append(env.Templates, isolation.Template{Stack: s.Name, Body: body, Paths: paths})
	}
	return env
}

// TestServicesAreIsolated checks, on every env as it deploys (all its
// stacks), that no catalog service can reach what another owns: no
// identity or resource policy grants a service's role another service's
// table, database, secrets, repository, log partition or keys, nor a
// data-plane action on Resource "*"; no security group rule lets
// anything but a service's own pods into its database. It counts what it
// checked, so that it cannot pass by finding nothing, and shows on a copy
// of the real templates that each kind of crossing fails it.
func TestServicesAreIsolated(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			env := isolationEnv(t, outdir, cfg)
			r := isolation.Check(env)
			for _, f := range r.Findings {
				t.Error(f)
			}
			if r.Statements == 0 || r.Rules == 0 {
				t.Errorf("%d policy statements and %d security group rules walked: the check checked nothing", r.Statements, r.Rules)
			}
			for _, svc := range cfg.Services {
				c := r.Services[svc.Name]
				if c == nil {
					t.Errorf("service %s: no resource of its Service-%s construct found", svc.Name, svc.Name)
					continue
				}
				t.Logf("service %s: %d roles, %d statements granting to them, %d protected things, %d database security groups, %d rules on them",
					svc.Name, c.Roles, c.Statements, c.Protected, c.DatabaseGroups, c.DatabaseRules)
				if c.Roles == 0 || c.Statements == 0 {
					t.Errorf("service %s: %d roles and %d statements granting to them checked, want at least one of each", svc.Name, c.Roles, c.Statements)
				}
				switch svc.DataStore.Kind {
				case envs.DataStoreAurora:
					if c.DataStores == 0 || c.DatabaseGroups == 0 || c.DatabaseRules == 0 {
						t.Errorf("service %s has Aurora: %d database clusters, %d database security groups and %d rules on them checked, want at least one of each",
							svc.Name, c.DataStores, c.DatabaseGroups, c.DatabaseRules)
					}
				case envs.DataStoreDynamoDB:
					if c.DataStores == 0 {
						t.Errorf("service %s has a DynamoDB table, none found", svc.Name)
					}
				}
			}
			t.Logf("%d policy statements and %d security group rules walked in %d stacks", r.Statements, r.Rules, len(env.Templates))
			if t.Failed() {
				return
			}
			testCrossingsFail(t, cfg, env)
		})
	}
}

// testCrossingsFail injects, into a copy of env's templates, each kind of
// crossing from the service with a database (a) to the one with a table
// (b), and asserts the check names both.
func testCrossingsFail(t *testing.T, cfg *envs.Config, env isolation.Env) {
	var a, b string
	for _, svc := range cfg.Services {
		switch {
		case svc.DataStore.Kind == envs.DataStoreAurora && a == "":
			a = svc.Name
		case svc.DataStore.Kind == envs.DataStoreDynamoDB && b == "":
			b = svc.Name
		}
	}
	if a == "" || b == "" {
		t.Skipf("%s has no service with Aurora and one with DynamoDB to cross", cfg.Name)
	}
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, cfg.Region, cfg.Account, resource)
	}
	for _, tc := range []struct {
		name string
		// inject edits the copy and returns the findings it must cause.
		inject func(t *testing.T, env isolation.Env) []string
	}{
		{"another service's table by ARN", func(t *testing.T, env isolation.Env) []string {
			tmpl, policy := isoOwned(t, env, a, "Identity/Policy/Resource")
			isoAddStatement(tmpl, policy, map[string]any{"Sid": "OwnTable", "Effect": "Allow", "Action": "dynamodb:GetItem",
				"Resource": arn("dynamodb", "table/"+cfg.Name+"-"+b)})
			return []string{fmt.Sprintf("%s %s %s: service %s's role may dynamodb:GetItem on %s's table %s-%s (statement OwnTable)", cfg.Name, tmpl.Stack, policy, a, b, cfg.Name, b)}
		}},
		{"another service's table by import", func(t *testing.T, env isolation.Env) []string {
			tmpl, policy := isoOwned(t, env, a, "Identity/Policy/Resource")
			other, table := isoOwned(t, env, b, "Table/Resource/Resource")
			isoAddStatement(tmpl, policy, map[string]any{"Sid": "Imported", "Effect": "Allow", "Action": []any{"dynamodb:Query", "dynamodb:Scan"},
				"Resource": isoExport(other, "InjectedTableArn", map[string]any{"Fn::GetAtt": []any{table, "Arn"}})})
			return []string{fmt.Sprintf("%s %s %s: service %s's role may dynamodb:Query, dynamodb:Scan on %s's table %s-%s (statement Imported)", cfg.Name, tmpl.Stack, policy, a, b, cfg.Name, b)}
		}},
		{"every table", func(t *testing.T, env isolation.Env) []string {
			tmpl, policy := isoOwned(t, env, a, "Identity/Policy/Resource")
			n := isoAddStatement(tmpl, policy, map[string]any{"Effect": "Allow", "Action": "dynamodb:*", "Resource": arn("dynamodb", "table/*")})
			return []string{fmt.Sprintf("%s %s %s: service %s's role may dynamodb:* on %s's table %s-%s (statement #%d)", cfg.Name, tmpl.Stack, policy, a, b, cfg.Name, b, n)}
		}},
		{"the env's secrets", func(t *testing.T, env isolation.Env) []string {
			tmpl, policy := isoOwned(t, env, a, "Identity/Policy/Resource")
			isoAddStatement(tmpl, policy, map[string]any{"Sid": "AllSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
				"Resource": arn("secretsmanager", "secret:"+cfg.Name+"/*")})
			return []string{fmt.Sprintf("%s %s %s: service %s's role may secretsmanager:GetSecretValue on %s's secrets %s/%s/ (statement AllSecrets)", cfg.Name, tmpl.Stack, policy, a, b, cfg.Name, b)}
		}},
		{"any resource", func(t *testing.T, env isolation.Env) []string {
			tmpl, policy := isoOwned(t, env, a, "Identity/Policy/Resource")
			isoAddStatement(tmpl, policy, map[string]any{"Sid": "Everything", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
			return []string{
				fmt.Sprintf(`%s %s %s: service %s's role may s3:GetObject on any resource (Resource "*") (statement Everything)`, cfg.Name, tmpl.Stack, policy, a),
				fmt.Sprintf("%s %s %s: service %s's role may s3:GetObject on %s's log partition logs/app/service=%s/ (statement Everything)", cfg.Name, tmpl.Stack, policy, a, b, b),
			}
		}},
		{"a bucket policy on another service's logs", func(t *testing.T, env isolation.Env) []string {
			roleTmpl, role := isoOwned(t, env, a, "Identity/Role/Resource")
			logs, bucket := isoAppLogBucket(t, env)
			isoResources(logs)["InjectedBucketPolicy"] = map[string]any{"Type": "AWS::S3::BucketPolicy", "Properties": map[string]any{
				"Bucket": map[string]any{"Ref": bucket},
				"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
					"Sid": "ReadAppLogs", "Effect": "Allow", "Action": "s3:GetObject",
					"Principal": map[string]any{"AWS": isoExport(roleTmpl, "InjectedRoleArn", map[string]any{"Fn::GetAtt": []any{role, "Arn"}})},
					"Resource":  map[string]any{"Fn::Join": []any{"", []any{map[string]any{"Fn::GetAtt": []any{bucket, "Arn"}}, "/logs/app/*"}}},
				}}},
			}}
			return []string{fmt.Sprintf("%s %s InjectedBucketPolicy: service %s's role may s3:GetObject on %s's log partition logs/app/service=%s/ (statement ReadAppLogs)", cfg.Name, logs.Stack, a, b, b)}
		}},
		{"pods into another service's database", func(t *testing.T, env isolation.Env) []string {
			podTmpl, pods := isoOwned(t, env, a, "PodSecurityGroup/Resource")
			// Each env has one Aurora service, a: in the copy b gets a
			// database security group, where its construct would put one.
			tmpl, _ := isoOwned(t, env, b, "PodSecurityGroup/Resource")
			db := "InjectedDatabaseSecurityGroup"
			isoResources(tmpl)[db] = map[string]any{"Type": "AWS::EC2::SecurityGroup", "Properties": map[string]any{"GroupDescription": "Aurora cluster " + cfg.Name + "-" + b}}
			tmpl.Paths[db] = fmt.Sprintf("%s/%s/Service-%s/Database/SecurityGroup/Resource", cfg.Name, strings.TrimPrefix(tmpl.Stack, cfg.Name+"-"), b)
			isoResources(tmpl)["InjectedIngress"] = map[string]any{"Type": "AWS::EC2::SecurityGroupIngress", "Properties": map[string]any{
				"GroupId":               map[string]any{"Fn::GetAtt": []any{db, "GroupId"}},
				"SourceSecurityGroupId": isoExport(podTmpl, "InjectedPodsGroupId", map[string]any{"Fn::GetAtt": []any{pods, "GroupId"}}),
				"IpProtocol":            "tcp", "FromPort": 5432, "ToPort": 5432,
			}}
			return []string{fmt.Sprintf("%s %s InjectedIngress: security group rule lets service %s's pods security group %s into %s's database security group %s on tcp 5432", cfg.Name, tmpl.Stack, a, pods, b, db)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			injected := isoCopy(env)
			want := tc.inject(t, injected)
			r := isolation.Check(injected)
			got := make([]string, len(r.Findings))
			for i, f := range r.Findings {
				got[i] = f.String()
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("not reported: %s\ngot:\n%s", w, strings.Join(got, "\n"))
				}
			}
			t.Logf("reported:\n%s", strings.Join(got, "\n"))
		})
	}
}

func isoCopy(env isolation.Env) isolation.Env {
	out := env
	out.Templates = nil
	for _, tmpl := range env.Templates {
		data, _ := json.Marshal(tmpl.Body)
		var body map[string]any
		json.Unmarshal(data, &body)
		out.Templates = append(out.Templates, isolation.Template{Stack: tmpl.Stack, Body: body, Paths: maps.Clone(tmpl.Paths)})
	}
	return out
}

func isoResources(tmpl *isolation.Template) map[string]any {
	rs, _ := tmpl.Body["Resources"].(map[string]any)
	return rs
}

// isoOwned is the template and logical id of service svc's resource at rest
// below its Service-<svc> construct.
func isoOwned(t *testing.T, env isolation.Env, svc, rest string) (*isolation.Template, string) {
	t.Helper()
	for i := range env.Templates {
		for id, path := range env.Templates[i].Paths {
			if strings.HasSuffix(path, "/Service-"+svc+"/"+rest) && isoResources(&env.Templates[i])[id] != nil {
				return &env.Templates[i], id
			}
		}
	}
	t.Fatalf("no resource at Service-%s/%s", svc, rest)
	return nil, ""
}

// isoAddStatement appends st to the policy's document and returns its number.
func isoAddStatement(tmpl *isolation.Template, policy string, st map[string]any) int {
	doc := isoResources(tmpl)[policy].(map[string]any)["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
	doc["Statement"] = append(doc["Statement"].([]any), st)
	return len(doc["Statement"].([]any))
}

// isoExport makes tmpl export value as name, and returns its import.
func isoExport(tmpl *isolation.Template, name string, value any) any {
	outputs, _ := tmpl.Body["Outputs"].(map[string]any)
	if outputs == nil {
		outputs = map[string]any{}
		tmpl.Body["Outputs"] = outputs
	}
	outputs[name] = map[string]any{"Value": value, "Export": map[string]any{"Name": tmpl.Stack + ":" + name}}
	return map[string]any{"Fn::ImportValue": tmpl.Stack + ":" + name}
}

// isoAppLogBucket is the bucket the app log stream writes each service's
// partition to.
func isoAppLogBucket(t *testing.T, env isolation.Env) (*isolation.Template, string) {
	t.Helper()
	for i := range env.Templates {
		for _, p := range resourcesOf(env.Templates[i].Body, "AWS::KinesisFirehose::DeliveryStream") {
			dest, _ := p["ExtendedS3DestinationConfiguration"].(map[string]any)
			if prefix, _ := dest["Prefix"].(string); strings.HasPrefix(prefix, "logs/app/service=") {
				ga, _ := dest["BucketARN"].(map[string]any)["Fn::GetAtt"].([]any)
				if len(ga) == 2 {
					return &env.Templates[i], ga[0].(string)
				}
			}
		}
	}
	t.Fatal("no stream writes logs/app/service=")
	return nil, ""
}
