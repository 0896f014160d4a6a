package test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
	"github.com/ecplatform/eks-platform/stacks"
)

// TestAuditArchive checks the audit store on every env as it deploys: the
// trail, the flow logs and the WAF logs go to the audit bucket, encrypted
// with the audit key, which no canary may use; the bucket is locked as the
// env's config says (compliance in prd) for its retention, and overwritten
// versions are kept as long.
func TestAuditArchive(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			tmpls := envTemplates(t, cfg.Name)
			logging := tmpls[cfg.Name+"-logging"]
			auditBucket, auditKey := "", ""
			for id, b := range resourcesOf(logging, "AWS::S3::Bucket") {
				if strings.Contains(fmt.Sprint(b["LoggingConfiguration"]), "s3-access/audit-archive/") {
					auditBucket = id
					lock, _ := b["ObjectLockConfiguration"].(map[string]any)
					want := map[envs.AuditLock]string{envs.AuditLockGovernance: "GOVERNANCE", envs.AuditLockCompliance: "COMPLIANCE"}[cfg.Logging.Archive.AuditLock]
					got := fmt.Sprint(lock["Rule"])
					if want == "" && lock != nil || want != "" && got != fmt.Sprintf("map[DefaultRetention:map[Days:%d Mode:%s]]", cfg.Logging.Archive.ExpireAfterDays, want) {
						t.Errorf("audit bucket lock %v, config asks %s for %d days", lock, cfg.Logging.Archive.AuditLock, cfg.Logging.Archive.ExpireAfterDays)
					}
					rules := fmt.Sprint(b["LifecycleConfiguration"])
					if !strings.Contains(rules, fmt.Sprintf("NoncurrentDays:%d", cfg.Logging.Archive.ExpireAfterDays)) {
						t.Errorf("overwritten audit logs expire early: %s", rules)
					}
					enc := fmt.Sprint(b["BucketEncryption"])
					_, after, _ := strings.Cut(enc, "KMSMasterKeyID:map[Fn::GetAtt:[")
					auditKey, _, _ = strings.Cut(after, " ")
				}
			}
			if auditBucket == "" || auditKey == "" {
				t.Fatalf("no audit bucket with its own key in %s-logging", cfg.Name)
			}
			for _, trail := range resourcesOf(logging, "AWS::CloudTrail::Trail") {
				if got := catalogcheck.Render(trail["S3BucketName"]); got != "<"+auditBucket+">" || !strings.Contains(catalogcheck.Render(trail["KMSKeyId"]), auditKey) {
					t.Errorf("the trail writes to %s with %v, want the audit bucket %s and key %s", got, trail["KMSKeyId"], auditBucket, auditKey)
				}
			}
			for _, fl := range resourcesOf(tmpls[cfg.Name+"-network"], "AWS::EC2::FlowLog") {
				// The bucket is imported from <env>-logging by an export
				// named after its logical id.
				if dest := catalogcheck.Render(fl["LogDestination"]); !strings.Contains(dest, auditBucket) {
					t.Errorf("flow logs go to %s, not the audit bucket %s", dest, auditBucket)
				}
			}
			for id, role := range resourcesOf(tmpls[cfg.Name+"-monitoring"], "AWS::IAM::Policy") {
				if strings.Contains(fmt.Sprint(role["PolicyDocument"]), "AuditKey") {
					t.Errorf("%s (monitoring) may use the audit key", id)
				}
			}
		})
	}
}

// TestAccessLogBucketIsNamedWhereItIsWritten: the ALBs and the canary
// bucket name the access log bucket as text (the overrides in
// constructs/edge and constructs/monitoring), and that text is the
// bucket's real name in <env>-logging.
func TestAccessLogBucketIsNamedWhereItIsWritten(t *testing.T) {
	cfgs, err := envs.LoadDir("../envs")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range cfgs {
		t.Run(cfg.Name, func(t *testing.T) {
			name := stacks.AccessLogBucketName(cfg)
			tmpls := envTemplates(t, cfg.Name)
			found := false
			for _, b := range resourcesOf(tmpls[cfg.Name+"-logging"], "AWS::S3::Bucket") {
				found = found || b["BucketName"] == name
			}
			if !found {
				t.Fatalf("%s-logging has no bucket named %s", cfg.Name, name)
			}
			albs := 0
			for stack, tmpl := range tmpls {
				for id, lb := range resourcesOf(tmpl, "AWS::ElasticLoadBalancingV2::LoadBalancer") {
					albs++
					attrs := map[string]any{}
					for _, a := range lb["LoadBalancerAttributes"].([]any) {
						attrs[a.(map[string]any)["Key"].(string)] = a.(map[string]any)["Value"]
					}
					if attrs["access_logs.s3.bucket"] != name || attrs["access_logs.s3.enabled"] != "true" {
						t.Errorf("%s %s logs to %v (enabled %v), want %s", stack, id, attrs["access_logs.s3.bucket"], attrs["access_logs.s3.enabled"], name)
					}
				}
			}
			if albs != 2*len(cfg.Clusters) {
				t.Errorf("%d load balancers, want 2 per cluster", albs)
			}
			buckets := resourcesOf(tmpls[cfg.Name+"-monitoring"], "AWS::S3::Bucket")
			if len(buckets) == 0 {
				t.Error("no bucket in monitoring: the canaries' artifacts bucket is gone")
			}
			for id, b := range buckets {
				if got := b["LoggingConfiguration"].(map[string]any)["DestinationBucketName"]; got != name {
					t.Errorf("monitoring %s logs to %v, want %s", id, got, name)
				}
			}
		})
	}
}
