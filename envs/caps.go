package envs

import (
	"fmt"
	"reflect"

	"github.com/ecplatform/eks-platform/spec"
)

// Caps on one env file, checked before any of it is decoded. An env file is
// written by people and read in review: each cap is far above what one
// needs, and keeps what a file can make the loader, the validation and the
// synth do bounded, whatever the file holds (hostile_test.go measures it).
// Where AWS documents a limit, the cap is that limit, so that a config AWS
// would refuse at deploy is refused at load.
const (
	// MaxFileBytes: prd.yaml is 4 KB, the largest env the contract test
	// builds (200 services, 4 clusters of 30 node groups, the longest
	// names) 57 KB. The YAML tokenizer allocates up to ~300 bytes per input
	// byte, so the cap also bounds the loader's memory (~75 MB at most).
	MaxFileBytes = 256 << 10
	// MaxYAMLTokens bounds the parser, which allocates up to 1 KB per token
	// (a key, a value, a bracket, a comment): prd.yaml has 381, the largest
	// env the contract test builds 6,400.
	MaxYAMLTokens = 50_000
	// MaxNestingDepth: the deepest field of an env file,
	// clusters[].nodeGroups[].taints[].key, is 7 levels deep. The parser's
	// memory grows with the square of the depth (234 MB for a 24 KB line
	// of 12,000 brackets, ~27 GB at 256 KiB), so depth is checked on the
	// tokens, before it runs.
	MaxNestingDepth = 16
	// MaxMappingKeys bounds one mapping: the parser copies a block
	// mapping's entries once per key, so its memory grows with the square
	// of the keys (1 GB for 16,000). An env file's largest mappings, tags
	// and labels, have 50 keys at most.
	MaxMappingKeys = 500
	// MaxReportedErrors is how many problems one load prints; the rest
	// are counted. A file with thousands of errors is not an env file, and
	// the first problems are the ones to fix.
	MaxReportedErrors = 100
)

// Caps on the lists and maps of an env file, each with the AWS limit or
// the proof it comes from.
const (
	// MaxClusters is the most clusters the contract test proves an env
	// builds within CloudFormation's limits (test/contract_test.go): a
	// cluster migration needs 2 at once, a canary during one 3. Raise it
	// with a growth case that proves the new number.
	MaxClusters = 4
	// MaxNodeGroups is EKS's quota of managed node groups per cluster.
	MaxNodeGroups = 30
	// MaxTaints is EKS's limit of taints per managed node group.
	MaxTaints = 50
	// MaxLabels has no EKS limit behind it: as many as taints.
	MaxLabels = 50
	// MaxInstanceTypes is what EKS takes per managed node group.
	MaxInstanceTypes = 20
	// MaxPublicAccessCidrs is EKS's limit (not adjustable) of public
	// endpoint ranges per cluster.
	MaxPublicAccessCidrs = 40
	// MaxOnPremCidrs: the internal ALB's security group takes a rule per
	// range and one for the VPC (60 inbound rules per security group), and
	// in tgw mode each private route table a route per range (50 routes
	// per route table), both AWS's default quotas.
	MaxOnPremCidrs = 40
	// MaxRoutedCidrs: in tgw mode each private and isolated route table
	// takes a route per routed range (50 routes per route table, AWS's
	// default quota, shared with the on-prem ranges: MaxStaticRoutes); in
	// vgw mode on-prem advertises them over the Direct Connect BGP session
	// (100 prefixes per private virtual interface). A hub forwards to a
	// few other clouds' networks, each a few ranges.
	MaxRoutedCidrs = 20
	// MaxResolverOnPremCidrs: the inbound resolver's security group takes
	// two rules per on-prem range (DNS over TCP and over UDP), 60 inbound
	// rules per security group (AWS's default quota).
	MaxResolverOnPremCidrs = 30
	// MaxStaticRoutes is how many on-prem and routed ranges together a
	// route table takes in tgw mode: 50 routes per route table (AWS's
	// default quota) less the VPC's own (local, NAT, the S3 and DynamoDB
	// gateway endpoints).
	MaxStaticRoutes = 46
	// MaxAccessRoles is per list (admins, read-only): each role is an
	// access entry in the cluster's stack.
	MaxAccessRoles = 20
	// MaxTrustedAccounts: an env trusts a few accounts (a central SRE or
	// security account).
	MaxTrustedAccounts = 10
	// MaxWafCidrs is per list (allow, block): AWS WAF takes 10,000
	// addresses per IP set; validation compares every allowed range with
	// every blocked one.
	MaxWafCidrs = 1000
	// MaxServices is the most services the contract test proves an env
	// builds (test/contract_test.go).
	MaxServices = 200
	// MaxRoutes is the most route prefixes one service may own.
	MaxRoutes = 50
)

// listCap is the most entries one list or map field of an env file takes.
type listCap struct {
	max  int
	noun string // what an entry is, for messages: "taints"
	why  string
}

// listCaps are the caps of every list and map field, by the Go type that
// holds the field and the field's name in the file. Every list and map of
// Config has one (TestEveryListHasACap).
var listCaps = map[reflect.Type]map[string]listCap{
	reflect.TypeFor[Config](): {
		"availabilityZones": {3, "availability zones", "the platform spreads over exactly 3"},
		"trustedAccounts":   {MaxTrustedAccounts, "trusted accounts", "an env trusts a few accounts, such as a central SRE account"},
		"tags":              {MaxTags, "tags", fmt.Sprintf("AWS takes %d per resource and the platform keeps %d for its own", MaxResourceTags, PlatformTagsReserved)},
		"clusters":          {MaxClusters, "clusters", "the platform is proven to build that many per env (test/contract_test.go); a migration needs 2, a canary during one 3"},
		"services":          {MaxServices, "services", "the platform is proven to build that many per env (test/contract_test.go)"},
	},
	reflect.TypeFor[Service](): {
		"clusters": {MaxClusters, "clusters", "one per cluster of the env"},
		"routes":   {MaxRoutes, "routes", "a service owns a few path prefixes; more means it is several services"},
	},
	reflect.TypeFor[Network](): {
		"onPremCidrs": {MaxOnPremCidrs, "ranges", "the internal ALB's security group takes a rule per range (60 per group) and each private route table a route per range (50 per table)"},
		"routedCidrs": {MaxRoutedCidrs, "ranges", "each private route table takes a route per range (50 per table, shared with onPremCidrs) and the Direct Connect BGP session 100 prefixes; list networks, not hosts"},
	},
	reflect.TypeFor[Cluster](): {
		"addons":     {len(spec.PinnedAddons), "add-ons", "one per managed add-on"},
		"nodeGroups": {MaxNodeGroups, "node groups", "EKS takes 30 managed node groups per cluster (its default quota)"},
	},
	reflect.TypeFor[Istio](): {
		"revisions":          {2, "revisions", "two control planes side by side during an upgrade, no more"},
		"namespaceRevisions": {MaxServices + 1, "namespaces", "one per meshed service, and the API gateway's"},
	},
	reflect.TypeFor[Endpoint](): {
		"publicAccessCidrs": {MaxPublicAccessCidrs, "ranges", "EKS takes 40 public endpoint ranges per cluster"},
	},
	reflect.TypeFor[Access](): {
		"adminRoleArns":    {MaxAccessRoles, "roles", "each is an access entry of the cluster; grant a role that many people assume instead"},
		"readOnlyRoleArns": {MaxAccessRoles, "roles", "each is an access entry of the cluster; grant a role that many people assume instead"},
	},
	reflect.TypeFor[NodeGroup](): {
		"instanceTypes": {MaxInstanceTypes, "instance types", "EKS takes 20 per managed node group"},
		"labels":        {MaxLabels, "labels", "as many as taints, which EKS caps at 50 per node group"},
		"taints":        {MaxTaints, "taints", "EKS takes 50 per node group"},
	},
	reflect.TypeFor[Edge](): {
		"clusterWeights": {MaxClusters, "weights", "one per cluster"},
	},
	reflect.TypeFor[Waf](): {
		"allowCidrs":     {MaxWafCidrs, "ranges", "AWS WAF takes 10,000 addresses per IP set; list ranges, not hosts"},
		"blockCidrs":     {MaxWafCidrs, "ranges", "AWS WAF takes 10,000 addresses per IP set; list ranges, not hosts"},
		"blockCountries": {len(iso3166Alpha2), "countries", "one per ISO 3166 country"},
	},
	reflect.TypeFor[Logging](): {
		"services": {MaxServices, "services", "the platform is proven to build that many per env (test/contract_test.go)"},
	},
	reflect.TypeFor[AlertingLogs](): {
		"levels": {len(LogLevels), "levels", "one per log level"},
		"alarms": {MaxServices * len(LogLevels), "alarms", "one per service and level"},
	},
}

// capOf is the cap of field name of struct type t, if it has one.
func capOf(t reflect.Type, name string) (listCap, bool) {
	c, ok := listCaps[t][name]
	return c, ok
}
