package test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/service"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// serviceResources are one service's resources in its services stack, by
// type, found by the Service-<name>/ step of their construct paths.
type serviceResources map[string][]map[string]any

func ownedBy(tmpl map[string]any, paths map[string]string, svc string) serviceResources {
	out := serviceResources{}
	rs, _ := tmpl["Resources"].(map[string]any)
	for id, r := range rs {
		r := r.(map[string]any)
		if !strings.Contains(paths[id], "/Service-"+svc+"/") {
			continue
		}
		p, _ := r["Properties"].(map[string]any)
		out[r["Type"].(string)] = append(out[r["Type"].(string)], p)
	}
	return out
}

func (s serviceResources) one(t *testing.T, typ string) map[string]any {
	t.Helper()
	if len(s[typ]) != 1 {
		t.Fatalf("%d %s, want 1", len(s[typ]), typ)
	}
	return s[typ][0]
}

// constructPaths are an env's construct paths by stack and logical id.
func constructPaths(t *testing.T, env string) map[string]map[string]string {
	t.Helper()
	list, err := assembly.Stacks(outdir, env)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, s := range list {
		if out[s.Name], err = s.ConstructPaths(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// activeClusters are the clusters a service runs on: those it lists (all
// by default), less a retiring one.
func activeClusters(cfg *envs.Config, svc envs.Service) []string {
	var out []string
	for _, cl := range cfg.Clusters {
		if cl.State != envs.ClusterRetiring && svc.RunsOn(cl.Name) {
			out = append(out, cfg.Name+"-"+cl.Name)
		}
	}
	return out
}

// TestEveryServiceGetsWhatItsEntryPromises walks each catalog entry of
// every env and finds, in the services stack its name hashes to, what the
// platform promises a service (docs/services.md): its repository, its
// identity on each cluster, its namespace with its service account and
// security group policy, its route table as the config says, its data
// store as configured, its alarms and its dashboard.
func TestEveryServiceGetsWhatItsEntryPromises(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		templates := envTemplates(t, cfg.Name)
		paths := constructPaths(t, cfg.Name)
		kinds := map[envs.DataStoreKind]int{}
		for _, svc := range cfg.Services {
			kinds[svc.DataStore.Kind]++
			stack := cfg.Name + "-" + envs.ShardName(envs.ServiceShard(svc.Name))
			t.Run(cfg.Name+"/"+svc.Name, func(t *testing.T) {
				tmpl := templates[stack]
				if tmpl == nil {
					t.Fatalf("no stack %s", stack)
				}
				if d := catalogcheck.Render(tmpl["Description"]); !strings.Contains(d, svc.Name) {
					t.Errorf("%s's description %q does not name %s: make ls would not show where it lives", stack, d, svc.Name)
				}
				owned := ownedBy(tmpl, paths[stack], svc.Name)
				checkRepository(t, owned, svc)
				checkIdentity(t, owned, cfg, svc)
				checkWorkloads(t, owned, cfg, svc)
				checkDataStore(t, owned, cfg, svc)
				if d := owned.one(t, "AWS::CloudWatch::Dashboard"); d["DashboardName"] != cfg.Name+"-"+svc.Name {
					t.Errorf("dashboard %v, want %s-%s", d["DashboardName"], cfg.Name, svc.Name)
				}
			})
		}
		// The bar: every env ships a service of each kind.
		for _, k := range envs.DataStoreKinds {
			if kinds[k] == 0 {
				t.Errorf("%s ships no service with data store %s", cfg.Name, k)
			}
		}
	}
}

func checkRepository(t *testing.T, owned serviceResources, svc envs.Service) {
	t.Helper()
	r := owned.one(t, "AWS::ECR::Repository")
	if r["RepositoryName"] != "services/"+svc.Name || r["ImageTagMutability"] != "IMMUTABLE" {
		t.Errorf("repository %v, tags %v: want services/%s, IMMUTABLE", r["RepositoryName"], r["ImageTagMutability"], svc.Name)
	}
	if fmt.Sprint(r["ImageScanningConfiguration"]) != "map[ScanOnPush:true]" {
		t.Errorf("repository does not scan on push: %v", r["ImageScanningConfiguration"])
	}
	if enc, _ := r["EncryptionConfiguration"].(map[string]any); enc["EncryptionType"] != "KMS" || enc["KmsKey"] == nil {
		t.Errorf("repository not KMS-encrypted with a customer key: %v", enc)
	}
	if lp, _ := r["LifecyclePolicy"].(map[string]any); lp["LifecyclePolicyText"] == nil {
		t.Error("repository without a lifecycle policy")
	}
}

func checkIdentity(t *testing.T, owned serviceResources, cfg *envs.Config, svc envs.Service) {
	t.Helper()
	var got []string
	for _, a := range owned["AWS::EKS::PodIdentityAssociation"] {
		if a["Namespace"] != svc.Namespace() || a["ServiceAccount"] != svc.ServiceAccount {
			t.Errorf("association for %v/%v, want %s/%s", a["Namespace"], a["ServiceAccount"], svc.Namespace(), svc.ServiceAccount)
		}
		got = append(got, catalogcheck.Render(a["ClusterName"]))
	}
	slices.Sort(got)
	if want := activeClusters(cfg, svc); !slices.Equal(got, want) {
		t.Errorf("Pod Identity associations on %v, want one on each cluster it runs on: %v", got, want)
	}
	if len(owned["AWS::IAM::ManagedPolicy"]) != 1 {
		t.Errorf("%d managed policies, want the role's one", len(owned["AWS::IAM::ManagedPolicy"]))
	}
}

// checkWorkloads decodes each manifest as the kubectl provider applies it
// and compares the route table with the entry.
func checkWorkloads(t *testing.T, owned serviceResources, cfg *envs.Config, svc envs.Service) {
	t.Helper()
	manifests := owned["Custom::AWSCDK-EKS-KubernetesResource"]
	var clusters []string
	for _, m := range manifests {
		clusters = append(clusters, catalogcheck.Render(m["ClusterName"]))
		var objects []map[string]any
		if err := json.Unmarshal([]byte(catalogcheck.Render(m["Manifest"])), &objects); err != nil {
			t.Fatalf("manifest does not decode: %v", err)
		}
		kinds := map[string]map[string]any{}
		for _, o := range objects {
			kinds[o["kind"].(string)] = o
		}
		ns := kinds["Namespace"]
		labels, _ := ns["metadata"].(map[string]any)["labels"].(map[string]any)
		if ns["metadata"].(map[string]any)["name"] != svc.Namespace() || labels["pod-security.kubernetes.io/enforce"] != "restricted" {
			t.Errorf("namespace %v labels %v: want %s enforcing restricted", ns["metadata"], labels, svc.Namespace())
		}
		// Meshed where the entry and the cluster say so, and only there.
		short := strings.TrimPrefix(catalogcheck.Render(m["ClusterName"]), cfg.Name+"-")
		if got, want := fmt.Sprint(labels[cluster.LabelIstioRevision]), cfg.MeshRevision(svc, short); (want == "" && labels[cluster.LabelIstioRevision] != nil) || (want != "" && got != want) {
			t.Errorf("namespace %s on %s: istio.io/rev %s, want %q", svc.Namespace(), short, got, want)
		}
		if sa := kinds["ServiceAccount"]; sa == nil || sa["metadata"].(map[string]any)["name"] != svc.ServiceAccount {
			t.Errorf("service account %v, want %s", sa, svc.ServiceAccount)
		}
		sgp := kinds["SecurityGroupPolicy"]
		if sgp == nil {
			t.Fatal("no SecurityGroupPolicy: the service's pods would not carry the group its database admits")
		}
		ids, _ := sgp["spec"].(map[string]any)["securityGroups"].(map[string]any)["groupIds"].([]any)
		if len(ids) != 2 || !strings.Contains(fmt.Sprint(ids[1]), "PodSecurityGroup") {
			t.Errorf("SecurityGroupPolicy groups %v: want the cluster's and the service's pods group", ids)
		}
		cm := kinds["ConfigMap"]
		if len(svc.Routes) == 0 {
			if cm != nil {
				t.Errorf("a route table for a service without routes: %v", cm)
			}
			continue
		}
		if cm == nil {
			t.Fatal("no route table ConfigMap")
		}
		if md := cm["metadata"].(map[string]any); md["namespace"] != cfg.Edge.ApiGateway.Namespace || md["labels"].(map[string]any)[service.LabelRouteTable] == nil {
			t.Errorf("route table %v: want it in %s, labelled %s", md, cfg.Edge.ApiGateway.Namespace, service.LabelRouteTable)
		}
		var table service.RouteTable
		if err := json.Unmarshal([]byte(cm["data"].(map[string]any)[service.RouteTableDataKey].(string)), &table); err != nil {
			t.Fatalf("route table does not decode: %v", err)
		}
		if err := table.Validate(); err != nil {
			t.Errorf("route table invalid: %v", err)
		}
		if table.Fallback != cfg.Edge.ApiGateway.Fallback || table.Upstream != fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", svc.Name, svc.Namespace(), svc.Port) {
			t.Errorf("route table fallback %q upstream %q", table.Fallback, table.Upstream)
		}
		if len(table.Routes) != len(svc.Routes) {
			t.Fatalf("%d routes, config has %d", len(table.Routes), len(svc.Routes))
		}
		for i, r := range svc.Routes {
			if got := table.Routes[i]; got.Prefix != r.Prefix || string(got.Target) != string(r.Target) || got.CanaryWeight != r.CanaryWeight {
				t.Errorf("route %d is %+v, config says %+v", i, got, r)
			}
		}
	}
	slices.Sort(clusters)
	if want := activeClusters(cfg, svc); !slices.Equal(clusters, want) {
		t.Errorf("manifests on %v, want %v", clusters, want)
	}
}

func checkDataStore(t *testing.T, owned serviceResources, cfg *envs.Config, svc envs.Service) {
	t.Helper()
	alarms := map[string]bool{}
	for _, a := range owned["AWS::CloudWatch::Alarm"] {
		if actions, _ := a["AlarmActions"].([]any); len(actions) == 0 {
			t.Errorf("alarm %v notifies nobody", a["MetricName"])
		}
		alarms[fmt.Sprint(a["MetricName"])] = true
	}
	protected := cfg.Protection.RetainStatefulResources
	switch ds := svc.DataStore; ds.Kind {
	case envs.DataStoreAurora:
		c := owned.one(t, "AWS::RDS::DBCluster")
		id := cfg.Name + "-" + svc.Name
		for k, want := range map[string]any{
			"DBClusterIdentifier": id, "Engine": "aurora-postgresql", "EngineVersion": ds.Aurora.EngineVersion,
			"StorageEncrypted": true, "ManageMasterUserPassword": true, "EnableIAMDatabaseAuthentication": true,
			"DeletionProtection": protected, "BackupRetentionPeriod": float64(ds.Aurora.BackupRetentionDays),
		} {
			if c[k] != want {
				t.Errorf("DB cluster %s = %v, want %v", k, c[k], want)
			}
		}
		if c["KmsKeyId"] == nil || c["MasterUserPassword"] != nil || fmt.Sprint(c["EnableCloudwatchLogsExports"]) != "[postgresql]" {
			t.Errorf("DB cluster key %v, password %v, log exports %v", c["KmsKeyId"], c["MasterUserPassword"], c["EnableCloudwatchLogsExports"])
		}
		if n := len(owned["AWS::RDS::DBInstance"]); n != ds.Aurora.Instances {
			t.Errorf("%d instances, config says %d", n, ds.Aurora.Instances)
		}
		subnets := catalogcheck.Render(owned.one(t, "AWS::RDS::DBSubnetGroup")["SubnetIds"])
		if !strings.Contains(subnets, "isolated") || strings.Contains(subnets, "private") {
			t.Errorf("DB subnets %s: want the isolated subnets only", subnets)
		}
		params := owned.one(t, "AWS::RDS::DBClusterParameterGroup")["Parameters"].(map[string]any)
		if params["pgaudit.log"] != ds.Aurora.AuditLog || params["pgaudit.log_parameter"] != "0" || !strings.Contains(fmt.Sprint(params["shared_preload_libraries"]), "pgaudit") {
			t.Errorf("parameter group %v: want pgaudit loaded, logging %s, without parameter values", params, ds.Aurora.AuditLog)
		}
		lg := owned.one(t, "AWS::Logs::LogGroup")
		if lg["LogGroupName"] != "/aws/rds/cluster/"+id+"/postgresql" || lg["KmsKeyId"] == nil {
			t.Errorf("log group %v (key %v): want RDS's export group, encrypted", lg["LogGroupName"], lg["KmsKeyId"])
		}
		if f := owned.one(t, "AWS::Logs::SubscriptionFilter"); !strings.Contains(catalogcheck.Render(f["DestinationArn"]), "DbAuditLogs") {
			t.Errorf("PostgreSQL log subscribed to %s, want the db-audit stream", catalogcheck.Render(f["DestinationArn"]))
		}
		for _, m := range []string{"CPUUtilization", "DatabaseConnections"} {
			if !alarms[m] {
				t.Errorf("no %s alarm", m)
			}
		}
	case envs.DataStoreDynamoDB:
		tb := owned.one(t, "AWS::DynamoDB::Table")
		if tb["TableName"] != cfg.Name+"-"+svc.Name || tb["BillingMode"] != "PAY_PER_REQUEST" || tb["DeletionProtectionEnabled"] != protected {
			t.Errorf("table %v billing %v deletion protection %v", tb["TableName"], tb["BillingMode"], tb["DeletionProtectionEnabled"])
		}
		if fmt.Sprint(tb["PointInTimeRecoverySpecification"]) != "map[PointInTimeRecoveryEnabled:true]" {
			t.Errorf("no point-in-time recovery: %v", tb["PointInTimeRecoverySpecification"])
		}
		sse, _ := tb["SSESpecification"].(map[string]any)
		if sse["SSEEnabled"] != true || sse["SSEType"] != "KMS" || sse["KMSMasterKeyId"] == nil {
			t.Errorf("table encryption %v: want a customer key", sse)
		}
		ownKey := strings.Contains(catalogcheck.Render(sse["KMSMasterKeyId"]), "Service"+svc.Name+"TableKey")
		if ownKey != ds.DynamoDB.OwnKey {
			t.Errorf("table key %s: own key %v, config says %v", catalogcheck.Render(sse["KMSMasterKeyId"]), ownKey, ds.DynamoDB.OwnKey)
		}
		for _, m := range []string{"ReadThrottleEvents", "WriteThrottleEvents", "SystemErrors"} {
			if !alarms[m] {
				t.Errorf("no %s alarm", m)
			}
		}
	default:
		if len(owned["AWS::RDS::DBCluster"])+len(owned["AWS::DynamoDB::Table"]) > 0 {
			t.Error("a stateless service got a data store")
		}
	}
}

// TestAuroraInstancesSpreadOverConfiguredZones: each database's instances
// are in the env's configured zones, no two in one zone, so that a zone
// failure leaves a reader to fail over to. The zones are literals in the
// template (from config, read through the stack), which is why the
// validator's W3010 is acknowledged for them (internal/validationreport).
func TestAuroraInstancesSpreadOverConfiguredZones(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		checked := 0
		for stack, tmpl := range envTemplates(t, cfg.Name) {
			zones := map[string][]string{}
			for id, inst := range resourcesOf(tmpl, "AWS::RDS::DBInstance") {
				az, ok := inst["AvailabilityZone"].(string)
				if !ok || !slices.Contains(cfg.AvailabilityZones, az) {
					t.Errorf("%s %s: zone %v is not one of %v", stack, id, inst["AvailabilityZone"], cfg.AvailabilityZones)
				}
				cluster := catalogcheck.Render(inst["DBClusterIdentifier"])
				if slices.Contains(zones[cluster], az) {
					t.Errorf("%s %s: a second instance of %s in %s", stack, id, cluster, az)
				}
				zones[cluster] = append(zones[cluster], az)
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("%s: no Aurora instance checked", cfg.Name)
		}
	}
}
