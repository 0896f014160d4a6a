package envs

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ecplatform/eks-platform/spec"
)

// maxRoutePrefix keeps a prefix readable in the route table and the review.
const maxRoutePrefix = 200

// reservedNamespace reports whether a service may not be named name: the
// cluster's own and the platform's.
func reservedNamespace(name string) bool {
	return name == "default" || spec.IsPlatformNamespace(name)
}

func validateServices(c *Config, errs *ErrorList) {
	p := NewPath("services")
	clusters := map[string]bool{}
	for _, cl := range c.Clusters {
		clusters[cl.Name] = true
	}
	names := map[string]int{}
	prefixes := map[string]*Path{}
	routed := false
	for i, s := range c.Services {
		sp := p.Index(i)
		switch j, dup := names[s.Name]; {
		case !spec.IsServiceName(s.Name):
			errs.Invalid(sp.Child("name"), fmt.Sprintf("%q", s.Name), "must be 2-30 lowercase letters, digits or -, starting with a letter")
		case dup:
			errs.Add(sp.Child("name"), "%q is also services[%d]: each service is listed once", s.Name, j)
		}
		names[s.Name] = i
		// The name is the service's namespace: one the cluster or the
		// platform owns would put the service's pods among theirs.
		if reservedNamespace(s.Name) || s.Name == c.Edge.ApiGateway.Namespace {
			errs.Add(sp.Child("name"), "%q is a namespace the cluster or the platform owns, and a service runs in the namespace of its name: rename the service", s.Name)
		}
		for _, m := range validation.IsDNS1123Subdomain(s.ServiceAccount) {
			errs.Add(sp.Child("serviceAccount"), "%q is not a Kubernetes service account name: %s", s.ServiceAccount, m)
		}
		state := map[string]ClusterState{}
		for _, cl := range c.Clusters {
			state[cl.Name] = cl.State
		}
		seen := map[string]bool{}
		for j, cl := range s.Clusters {
			cp := sp.Child("clusters").Index(j)
			switch {
			case !clusters[cl]:
				errs.Add(cp, "%q names no cluster; clusters are %s", cl, strings.Join(sortedKeys(clusters), ", "))
			case seen[cl]:
				errs.Add(cp, "%q is listed twice", cl)
			}
			seen[cl] = true
		}
		if len(c.ActiveClusters(s)) == 0 && len(s.Clusters) > 0 {
			errs.Add(sp.Child("clusters"), "lists no active cluster (a retiring cluster loses its services first): add the cluster that replaces it")
		}
		if len(s.Routes) > 0 {
			// The gateway of every cluster Route 53 sends traffic to routes
			// to the service's Kubernetes Service on its own cluster.
			for _, cl := range c.Clusters {
				if c.Edge.ClusterWeights[cl.Name] > 0 && !s.RunsOn(cl.Name) {
					errs.Add(sp.Child("clusters"), "leaves out %s, which serves traffic (clusterWeights.%s is %d) and whose API gateway routes %s here: run the service there too, or set its weight to 0 first", cl.Name, cl.Name, c.Edge.ClusterWeights[cl.Name], s.Routes[0].Prefix)
				}
			}
		}
		if s.Port < 1 || s.Port > 65535 {
			errs.Add(sp.Child("port"), "must be between 1 and 65535, got %d", s.Port)
		}
		validateServiceMesh(c, s, sp, errs)
		validateDataStore(c, s.DataStore, sp.Child("dataStore"), errs)
		for j, r := range s.Routes {
			routed = true
			rp := sp.Child("routes").Index(j)
			switch {
			case len(r.Prefix) > maxRoutePrefix:
				errs.Add(rp.Child("prefix"), "must be at most %d characters, got %d", maxRoutePrefix, len(r.Prefix))
			case !spec.IsRoutePrefix(r.Prefix):
				errs.Invalid(rp.Child("prefix"), fmt.Sprintf("%q", r.Prefix), "must be a path prefix such as /api/members: starting with /, no trailing /, no empty segment, letters, digits and _ . ~ - only")
			}
			if other, dup := prefixes[r.Prefix]; dup {
				errs.Add(rp.Child("prefix"), "%s is also %s: a prefix routes to one service", r.Prefix, other)
			}
			prefixes[r.Prefix] = rp
			if r.Target != RouteToService && r.Target != RouteToFallback {
				errs.NotSupported(rp.Child("target"), r.Target, []string{string(RouteToService), string(RouteToFallback)})
			}
			if r.Target == RouteToFallback && r.CanaryWeight == 100 {
				errs.Add(rp.Child("canaryWeight"), "100 sends every request to the service: set target: service and canaryWeight: 0 instead, so the table says where the prefix lives")
			}
			if r.CanaryWeight < 0 || r.CanaryWeight > 100 {
				errs.Add(rp.Child("canaryWeight"), "must be a percentage between 0 and 100, got %d", r.CanaryWeight)
			}
		}
	}
	fp := NewPath("edge").Child("apiGateway").Child("fallback")
	switch f := c.Edge.ApiGateway.Fallback; {
	case f == "" && routed:
		errs.Required(fp, "the on-prem monolith's https URL, where routes go until a service takes them over")
	case f != "":
		if u, err := url.Parse(f); err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			errs.Invalid(fp, fmt.Sprintf("%q", f), "must be an https URL with no query, fragment or credentials, e.g. https://legacy.shop.internal")
		}
	}
}

func validateDataStore(c *Config, d DataStore, p *Path, errs *ErrorList) {
	kinds := make([]string, len(DataStoreKinds))
	for i, k := range DataStoreKinds {
		kinds[i] = string(k)
	}
	if !slices.Contains(DataStoreKinds, d.Kind) {
		errs.NotSupported(p.Child("kind"), d.Kind, kinds)
		return
	}
	if d.Kind != DataStoreAurora && d.Aurora != nil {
		errs.Add(p.Child("aurora"), "set only with kind aurora-postgresql (kind is %s): remove it", d.Kind)
	}
	if d.Kind != DataStoreDynamoDB && d.DynamoDB != nil {
		errs.Add(p.Child("dynamodb"), "set only with kind dynamodb (kind is %s): remove it", d.Kind)
	}
	switch d.Kind {
	case DataStoreAurora:
		validateAurora(c, d.Aurora, p.Child("aurora"), errs)
	case DataStoreDynamoDB:
		if d.DynamoDB == nil {
			errs.Required(p.Child("dynamodb"), "the table's partitionKey, e.g. {partitionKey: \"pk:S\"}")
			return
		}
		tp := p.Child("dynamodb")
		if _, _, ok := spec.ParseKeyAttribute(d.DynamoDB.PartitionKey); !ok {
			errs.Invalid(tp.Child("partitionKey"), fmt.Sprintf("%q", d.DynamoDB.PartitionKey), "must be attribute:type with the type S, N or B, e.g. pk:S")
		}
		if _, _, ok := spec.ParseKeyAttribute(d.DynamoDB.SortKey); d.DynamoDB.SortKey != "" && !ok {
			errs.Invalid(tp.Child("sortKey"), fmt.Sprintf("%q", d.DynamoDB.SortKey), "must be attribute:type with the type S, N or B, e.g. sk:S")
		}
	}
}

func validateAurora(c *Config, a *Aurora, p *Path, errs *ErrorList) {
	switch a.Capacity {
	case AuroraServerless:
		if a.InstanceClass != "" {
			errs.Add(p.Child("instanceClass"), "set only with capacity provisioned: serverless instances are sized by minAcu and maxAcu")
		}
		for _, f := range []struct {
			name string
			acu  float64
		}{{"minAcu", a.MinAcu}, {"maxAcu", a.MaxAcu}} {
			if f.acu < 0.5 || f.acu > 256 || math.Mod(f.acu*2, 1) != 0 {
				errs.Add(p.Child(f.name), "Aurora Serverless v2 takes 0.5 to 256 ACUs in steps of 0.5, got %g", f.acu)
			}
		}
		if a.MaxAcu < a.MinAcu {
			errs.Add(p.Child("maxAcu"), "must be >= minAcu (%g), got %g", a.MinAcu, a.MaxAcu)
		}
	case AuroraProvisioned:
		if _, ok := spec.InstanceMemoryGiB(a.InstanceClass); !ok {
			errs.Invalid(p.Child("instanceClass"), fmt.Sprintf("%q", a.InstanceClass), "must be an Aurora PostgreSQL instance class, "+spec.InstanceClasses())
		}
	default:
		errs.NotSupported(p.Child("capacity"), a.Capacity, []string{string(AuroraServerless), string(AuroraProvisioned)})
	}
	if a.Instances < 1 || a.Instances > 3 {
		errs.Add(p.Child("instances"), "must be 1 to 3 (a writer and up to a reader in each other AZ), got %d", a.Instances)
	} else if a.Instances < 2 && c.Protection.RetainStatefulResources {
		errs.Add(p.Child("instances"), "must be at least 2 in an env that keeps its data: a reader in another AZ to fail over to, got %d", a.Instances)
	}
	if _, ok := spec.AuroraEngineMajor(a.EngineVersion); !ok {
		errs.Invalid(p.Child("engineVersion"), fmt.Sprintf("%q", a.EngineVersion), "must be an Aurora PostgreSQL version such as \"16.6\"")
	}
	if a.BackupRetentionDays < 1 || a.BackupRetentionDays > 35 {
		errs.Add(p.Child("backupRetentionDays"), "Aurora keeps backups 1 to 35 days, got %d", a.BackupRetentionDays)
	}
	for _, class := range strings.Split(a.AuditLog, ",") {
		if !slices.Contains(spec.PgauditClasses, strings.TrimSpace(class)) {
			errs.Add(p.Child("auditLog"), "%q is not a pgaudit.log class; use a comma list of %s", class, strings.Join(spec.PgauditClasses, ", "))
		}
	}
	if strings.Contains(a.AuditLog, "none") && c.Protection.TerminationProtection {
		errs.Add(p.Child("auditLog"), "query audit logs are kept in an env with termination protection: list the classes to log")
	}
}
