package envs

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

var (
	namePattern    = regexp.MustCompile(`^[a-z][a-z0-9]{1,9}$`)
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
)

// section is a top-level block of an env file and its validation; a block
// with a hint is required.
type section struct {
	name, hint string
	validate   func(*Config, *ErrorList)
}

// sections are validated in file order. A block missing from the file is
// one "required" error, not one error per field inside it.
var sections = []section{
	{"network", "the VPC: vpcCidr, natGateways, onPremCidrs, directConnect", func(c *Config, errs *ErrorList) { validateNetwork(c, NewPath("network"), errs) }},
	{"clusters", "at least one EKS cluster", validateClusters},
	{"delivery", "how GitHub Actions deploys: repository", func(c *Config, errs *ErrorList) { validateDelivery(c, NewPath("delivery"), errs) }},
	{"logging", "the log archive and the services whose logs it partitions", func(c *Config, errs *ErrorList) { validateLogging(c, NewPath("logging"), errs) }},
	{"services", "", validateServices},
	{"datadog", "", validateDatadog},
	{"edge", "zones, names, certificates, the API gateway, weights and the WAF", validateEdge},
	{"monitoring", "the Slack channel alarms go to", func(c *Config, errs *ErrorList) {
		validateMonitoring(c.Monitoring, c.LoggingServices(), NewPath("monitoring"), errs)
		validateLogRetention(c, NewPath("monitoring"), errs)
	}},
	{"security", "", validateSecurity},
}

// Validate checks one env config and returns every problem found.
func Validate(c *Config) ErrorList {
	var errs ErrorList
	validateIdentity(c, &errs)
	validateTrustedAccounts(c, &errs)
	for _, s := range sections {
		if s.hint != "" && c.src != nil && !c.src.sets(NewPath(s.name)) {
			errs.Required(NewPath(s.name), s.hint)
			continue
		}
		s.validate(c, &errs)
	}
	validateTags(c.Tags, NewPath("tags"), &errs)
	if len(errs) == 0 {
		validateShards(c, &errs)
	}
	return errs
}

func validateTrustedAccounts(c *Config, errs *ErrorList) {
	seen := map[string]int{}
	for i, a := range c.TrustedAccounts {
		p := NewPath("trustedAccounts").Index(i)
		switch j, dup := seen[a]; {
		case !accountPattern.MatchString(a):
			errs.Invalid(p, fmt.Sprintf("%q", a), "must be a 12-digit AWS account id, quoted")
		case a == c.Account:
			errs.Add(p, "%s is this env's own account: list only other accounts", a)
		case dup:
			errs.Add(p, "%s is also trustedAccounts[%d]: list each account once", a, j)
		}
		seen[a] = i
	}
}

func validateIdentity(c *Config, errs *ErrorList) {
	switch {
	case c.Name == "":
		errs.Required(NewPath("name"), "the environment's name, e.g. prd")
	case !namePattern.MatchString(c.Name):
		errs.Invalid(NewPath("name"), fmt.Sprintf("%q", c.Name), "must be 2-10 lowercase letters or digits starting with a letter")
	case c.file != "" && strings.TrimSuffix(filepath.Base(c.file), filepath.Ext(c.file)) != c.Name:
		errs.Add(NewPath("name"), "must match the file name %q, got %q: rename the file or fix the name", filepath.Base(c.file), c.Name)
	}
	switch {
	case c.Account == "":
		errs.Required(NewPath("account"), "the 12-digit AWS account id, quoted")
	case !accountPattern.MatchString(c.Account):
		errs.Invalid(NewPath("account"), fmt.Sprintf("%q", c.Account), "must be exactly 12 digits")
	}
	azPath := NewPath("availabilityZones")
	offered, knownRegion := regionAZs[c.Region]
	switch {
	case c.Region == "":
		errs.Required(NewPath("region"), "the AWS region, e.g. ap-northeast-1")
	case !knownRegion:
		errs.Add(NewPath("region"), "unknown AWS region %q: use a region name such as ap-northeast-1", c.Region)
	case !imageRegistryKnown(c.Region):
		errs.Add(NewPath("region"), "no Amazon EKS image registry is known for %s, where the clusters pull the Load Balancer Controller's image: add the region's account to spec/registry.go from the EKS docs (\"View Amazon container image registries\")", c.Region)
	}
	if len(c.AvailabilityZones) != 3 {
		errs.Add(azPath, "must list exactly 3 availability zones, got %d", len(c.AvailabilityZones))
	}
	seen := map[string]bool{}
	for i, az := range c.AvailabilityZones {
		p := azPath.Index(i)
		switch {
		case seen[az]:
			errs.Add(p, "duplicate availability zone %q: the 3 zones must be distinct", az)
		case knownRegion && !slices.Contains(offered, az):
			errs.Add(p, "%q is not an availability zone of %s; choose from %s", az, c.Region, strings.Join(offered, ", "))
		}
		seen[az] = true
	}
}

// ValidateSet checks what no single file can: names and accounts are unique
// across environments (nothing is shared between envs) and no env's VPC
// overlaps another env's VPC or any env's on-prem or routed ranges, since
// every VPC is routed to the same data centre.
func ValidateSet(cfgs []*Config) ErrorList {
	var errs ErrorList
	byName := map[string]*Config{}
	byAccount := map[string]*Config{}
	sorted := slices.Clone(cfgs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].file < sorted[j].file })
	for _, c := range sorted {
		if o, dup := byName[c.Name]; dup {
			errs = append(errs, c.errAt(NewPath("name"), "%q is also the name of %s: each env needs its own name", c.Name, o.file))
		}
		byName[c.Name] = c
		if o, dup := byAccount[c.Account]; dup {
			errs = append(errs, c.errAt(NewPath("account"), "%s is also %s's account (%s): each env has its own AWS account", c.Account, o.Name, o.file))
		}
		byAccount[c.Account] = c
	}
	for i, a := range sorted {
		va, err := netip.ParsePrefix(a.Network.VpcCidr)
		if err != nil {
			continue
		}
		for j, b := range sorted {
			if i == j {
				continue
			}
			if vb, err := netip.ParsePrefix(b.Network.VpcCidr); err == nil && j < i && va.Overlaps(vb) {
				errs = append(errs, a.errAt(NewPath("network").Child("vpcCidr"), "%s overlaps %s's VPC %s (%s): env VPCs share the on-prem routing and must not overlap", va, b.Name, vb, b.file))
			}
			for k, s := range b.Network.OnPremCidrs {
				if r, err := netip.ParsePrefix(s); err == nil && va.Overlaps(r) {
					errs = append(errs, a.errAt(NewPath("network").Child("vpcCidr"), "%s overlaps on-prem range %s (%s network.onPremCidrs[%d])", va, r, b.file, k))
				}
			}
			for k, s := range b.Network.RoutedCidrs {
				if r, err := netip.ParsePrefix(s); err == nil && va.Overlaps(r) {
					errs = append(errs, a.errAt(NewPath("network").Child("vpcCidr"), "%s overlaps %s's routed range %s (%s network.routedCidrs[%d]): the data centre, which routes both, could not tell them apart", va, b.Name, r, b.file, k))
				}
			}
		}
	}
	return errs
}

func (c *Config) errAt(p *Path, format string, args ...any) *FieldError {
	return &FieldError{File: c.file, Line: c.src.lineOf(p), Path: p, Detail: fmt.Sprintf(format, args...)}
}

// MinProductionLogRetentionDays is the shortest CloudWatch Logs retention an
// env with termination protection takes: AWS Control Tower's CT.CLOUDWATCH.PR.2
// refuses a log group kept less than a year.
const MinProductionLogRetentionDays = 365
