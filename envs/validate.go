package envs

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ecplatform/eks-platform/spec"
)

var (
	namePattern      = regexp.MustCompile(`^[a-z][a-z0-9]{1,9}$`)
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	privateIPv4Space = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"),
	}
)

// VPC sizes the subnet plan fits: a /16 gives /18 private subnets (room
// for pod IPs with the VPC CNI); below /20 the private subnets get too small
// for a node group's pods.
const (
	minVpcPrefixBits = 16
	maxVpcPrefixBits = 20
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

func validateNetwork(c *Config, p *Path, errs *ErrorList) {
	n := c.Network
	vpc, vpcOK := parseCIDR(n.VpcCidr, p.Child("vpcCidr"), errs)
	if vpcOK {
		switch {
		case vpc.Bits() < minVpcPrefixBits || vpc.Bits() > maxVpcPrefixBits:
			errs.Add(p.Child("vpcCidr"), "must be a /%d to /%d range, got /%d", minVpcPrefixBits, maxVpcPrefixBits, vpc.Bits())
		case !isPrivate(vpc):
			errs.Add(p.Child("vpcCidr"), "must be inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), got %s", vpc)
		}
	}
	if n.NatGateways < 1 || n.NatGateways > 3 {
		errs.Add(p.Child("natGateways"), "must be between 1 and 3 (one per AZ at most), got %d", n.NatGateways)
	}
	if len(n.OnPremCidrs) == 0 {
		errs.Required(p.Child("onPremCidrs"), "the on-prem ranges reached over Direct Connect")
	}
	var onPrem []netip.Prefix
	for i, s := range n.OnPremCidrs {
		cp := p.Child("onPremCidrs").Index(i)
		r, ok := parseCIDR(s, cp, errs)
		if !ok {
			continue
		}
		if vpcOK && r.Overlaps(vpc) {
			errs.Add(cp, "%s overlaps the VPC %s: on-prem routes would shadow the VPC", r, vpc)
		}
		for j, other := range onPrem {
			if other.IsValid() && r.Overlaps(other) {
				errs.Add(cp, "%s overlaps onPremCidrs[%d] %s: list each range once", r, j, other)
			}
		}
		onPrem = append(onPrem, r)
	}
	validateRoutedCidrs(n, p, errs)
	if n.Resolver.Inbound && len(n.OnPremCidrs) > MaxResolverOnPremCidrs {
		errs.Add(p.Child("resolver").Child("inbound"), "the resolver's security group takes 2 rules per on-prem range (DNS over TCP and UDP) and 60 rules in all (AWS's default quota): %d on-prem ranges need %d; merge onPremCidrs to %d at most", len(n.OnPremCidrs), 2*len(n.OnPremCidrs), MaxResolverOnPremCidrs)
	}
	validateDirectConnect(n.DirectConnect, p.Child("directConnect"), errs)
}

func validateDirectConnect(dx DirectConnect, p *Path, errs *ErrorList) {
	modes := make([]string, len(DirectConnectModes))
	for i, m := range DirectConnectModes {
		modes[i] = string(m)
	}
	switch {
	case dx.Mode == "":
		errs.Required(p.Child("mode"), "one of "+strings.Join(modes, ", "))
		return
	case !dx.Mode.Valid():
		errs.NotSupported(p.Child("mode"), dx.Mode, modes)
		return
	}
	if dx.Mode != DirectConnectVGW && dx.VGW != nil {
		errs.Add(p.Child("vgw"), "set only with mode vgw (mode is %s): remove it", dx.Mode)
	}
	if dx.Mode != DirectConnectTGW && dx.TGW != nil {
		errs.Add(p.Child("tgw"), "set only with mode tgw (mode is %s): remove it", dx.Mode)
	}
	switch dx.Mode {
	case DirectConnectVGW:
		vp := p.Child("vgw")
		if dx.VGW == nil {
			errs.Required(vp, "mode vgw needs vgw.directConnectGatewayId and vgw.amazonSideAsn")
			return
		}
		switch {
		case dx.VGW.DirectConnectGatewayID == "":
			errs.Required(vp.Child("directConnectGatewayId"), "the Direct Connect gateway's id (a UUID)")
		case !spec.IsDirectConnectGatewayID(dx.VGW.DirectConnectGatewayID):
			errs.Invalid(vp.Child("directConnectGatewayId"), fmt.Sprintf("%q", dx.VGW.DirectConnectGatewayID), "must be a Direct Connect gateway id (a lowercase UUID)")
		}
		if asn := dx.VGW.AmazonSideAsn; !privateASN(asn) {
			errs.Invalid(vp.Child("amazonSideAsn"), asn, "must be a private ASN (64512-65534 or 4200000000-4294967294)")
		}
	case DirectConnectTGW:
		tp := p.Child("tgw")
		if dx.TGW == nil {
			errs.Required(tp, "mode tgw needs tgw.transitGatewayId")
			return
		}
		switch {
		case dx.TGW.TransitGatewayID == "":
			errs.Required(tp.Child("transitGatewayId"), "the Transit Gateway's id, tgw-...")
		case !spec.IsTransitGatewayID(dx.TGW.TransitGatewayID):
			errs.Invalid(tp.Child("transitGatewayId"), fmt.Sprintf("%q", dx.TGW.TransitGatewayID), "must be a Transit Gateway id (tgw- and 8 to 17 hex digits)")
		}
	}
}

func privateASN(asn int64) bool {
	return (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294)
}

func isPrivate(p netip.Prefix) bool {
	for _, r := range privateIPv4Space {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// parseCIDR parses an IPv4 CIDR and requires it in canonical form, so that
// what a reviewer reads is the range AWS gets.
func parseCIDR(s string, p *Path, errs *ErrorList) (netip.Prefix, bool) {
	if s == "" {
		errs.Required(p, "an IPv4 CIDR such as 10.20.0.0/16")
		return netip.Prefix{}, false
	}
	pr, err := netip.ParsePrefix(s)
	if err != nil || !pr.Addr().Is4() {
		errs.Add(p, "must be an IPv4 CIDR such as 10.20.0.0/16, got %q", s)
		return netip.Prefix{}, false
	}
	if pr.Masked() != pr {
		errs.Add(p, "has host bits set: write the network address %s, got %s", pr.Masked(), s)
		return netip.Prefix{}, false
	}
	return pr, true
}

func parseCIDRQuiet(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	return p, err == nil
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

func validateDelivery(c *Config, p *Path, errs *ErrorList) {
	d := c.Delivery
	switch {
	case d.Repository == "":
		errs.Required(p.Child("repository"), "the GitHub repository that deploys, owner/name")
	case !spec.IsGitHubRepository(d.Repository):
		errs.Invalid(p.Child("repository"), fmt.Sprintf("%q", d.Repository), "must be owner/name with no wildcard: the deploy role trusts exactly this repository")
	}
	switch {
	case !spec.IsGitHubEnvironment(d.GitHubEnvironment):
		errs.Invalid(p.Child("githubEnvironment"), fmt.Sprintf("%q", d.GitHubEnvironment), "must be a GitHub environment name with no wildcard")
	case c.Protection.RetainStatefulResources && d.GitHubEnvironment != c.Name:
		// Another environment's rules (or none, as dev's) would gate this
		// env's deploy role.
		errs.Add(p.Child("githubEnvironment"), "must be %q, the env's own name, in an env that keeps its data (protection.retainStatefulResources): its deploy role then trusts only the GitHub environment whose reviewers and branch rules guard it, got %q", c.Name, d.GitHubEnvironment)
	}
	if !spec.IsCDKQualifier(d.CdkQualifier) {
		errs.Invalid(p.Child("cdkQualifier"), fmt.Sprintf("%q", d.CdkQualifier), "must be the CDK bootstrap qualifier (1-10 lowercase letters or digits)")
	}
	if arn := d.ExistingOidcProviderArn; arn != "" {
		want := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", c.Account, spec.GitHubIssuer)
		if arn != want {
			errs.Invalid(p.Child("existingOidcProviderArn"), fmt.Sprintf("%q", arn), fmt.Sprintf("must be this account's GitHub Actions OIDC provider, %s", want))
		}
	}
}

func validateLogging(c *Config, p *Path, errs *ErrorList) {
	l := c.Logging
	a, ap := l.Archive, p.Child("archive")
	switch a.AuditLock {
	case AuditLockNone, AuditLockGovernance, AuditLockCompliance:
	default:
		errs.NotSupported(ap.Child("auditLock"), a.AuditLock, []string{string(AuditLockNone), string(AuditLockGovernance), string(AuditLockCompliance)})
	}
	if c.Protection.TerminationProtection {
		// PCI DSS 10.5 and 10.7: audit logs no one can alter, kept a year.
		if a.AuditLock != AuditLockCompliance {
			errs.Add(ap.Child("auditLock"), "must be compliance in an env with termination protection (production): the audit logs must be safe from every deletion, the deploy path's included, got %s", a.AuditLock)
		}
		if a.ExpireAfterDays < 365 {
			errs.Add(ap.Child("expireAfterDays"), "must be >= 365 in an env with termination protection: audit logs are kept a year, got %d", a.ExpireAfterDays)
		}
	}
	if a.InfrequentAccessAfterDays < 30 {
		errs.Add(ap.Child("infrequentAccessAfterDays"), "S3 moves objects to Standard-IA after 30 days at the earliest, got %d", a.InfrequentAccessAfterDays)
	}
	if a.GlacierAfterDays < a.InfrequentAccessAfterDays+30 {
		errs.Add(ap.Child("glacierAfterDays"), "must be >= infrequentAccessAfterDays + 30 (%d): S3 bills Standard-IA for 30 days, got %d", a.InfrequentAccessAfterDays+30, a.GlacierAfterDays)
	}
	if a.ExpireAfterDays <= a.GlacierAfterDays {
		errs.Add(ap.Child("expireAfterDays"), "must be > glacierAfterDays (%d), got %d", a.GlacierAfterDays, a.ExpireAfterDays)
	}
	if len(c.LoggingServices()) == 0 {
		errs.Required(p.Child("services"), "the services whose logs are partitioned, e.g. [api-gateway], or a service catalog (services:)")
	}
	seen := map[string]int{}
	catalog := map[string]bool{}
	for _, s := range c.Services {
		catalog[s.Name] = true
	}
	for i, s := range l.Services {
		sp := p.Child("services").Index(i)
		if !spec.IsDNSLabel(s) {
			errs.Invalid(sp, fmt.Sprintf("%q", s), "must be the service's Kubernetes namespace: a DNS label (lowercase letters, digits and -, starting and ending with a letter or digit, at most 63)")
		}
		if slices.Contains(reservedNamespaces, s) {
			errs.Add(sp, "%q is a namespace the cluster or the platform owns, not a service's: its lines never raise a service's log alarm; remove it here", s)
		}
		if catalog[s] {
			errs.Add(sp, "%q is in the service catalog (services:), whose services are partitioned already: remove it here", s)
		}
		if j, dup := seen[s]; dup {
			errs.Add(sp, "%q is also services[%d]: list each service once", s, j)
		}
		seen[s] = i
	}
	if l.BufferIntervalSeconds < 60 || l.BufferIntervalSeconds > 900 {
		errs.Add(p.Child("bufferIntervalSeconds"), "Firehose buffers 60 to 900 seconds, got %d", l.BufferIntervalSeconds)
	}
	if l.BufferSizeMiB < 64 || l.BufferSizeMiB > 128 {
		errs.Add(p.Child("bufferSizeMiB"), "must be 64 to 128 (dynamic partitioning needs at least 64), got %d", l.BufferSizeMiB)
	}
	if l.AthenaBytesScannedCutoffGiB < 1 {
		errs.Add(p.Child("athenaBytesScannedCutoffGiB"), "must be >= 1, got %d", l.AthenaBytesScannedCutoffGiB)
	}
	if s := l.NodeSessionLogs; s.Enabled {
		sp := p.Child("nodeSessionLogs").Child("retentionDays")
		switch {
		case !slices.Contains(logRetentionDays, s.RetentionDays):
			days := make([]string, len(logRetentionDays))
			for i, d := range logRetentionDays {
				days[i] = fmt.Sprint(d)
			}
			errs.NotSupported(sp, s.RetentionDays, days)
		case c.Protection.TerminationProtection && s.RetentionDays < MinProductionLogRetentionDays:
			errs.Add(sp, "must be >= %d in an env with termination protection: AWS Control Tower (CT.CLOUDWATCH.PR.2) refuses a log group kept less than a year, and node sessions are audit records, got %d", MinProductionLogRetentionDays, s.RetentionDays)
		}
	}
}

// MinProductionLogRetentionDays is the shortest CloudWatch Logs retention an
// env with termination protection takes: AWS Control Tower's CT.CLOUDWATCH.PR.2
// refuses a log group kept less than a year.
const MinProductionLogRetentionDays = 365

func validateLogRetention(c *Config, p *Path, errs *ErrorList) {
	m := c.Monitoring
	if !slices.Contains(logRetentionDays, m.PerformanceLogRetentionDays) {
		days := make([]string, len(logRetentionDays))
		for i, d := range logRetentionDays {
			days[i] = fmt.Sprint(d)
		}
		errs.NotSupported(p.Child("performanceLogRetentionDays"), m.PerformanceLogRetentionDays, days)
	}
	if !c.Protection.TerminationProtection {
		return
	}
	for _, f := range []struct {
		path *Path
		days int
	}{
		{p.Child("alertingLogs").Child("retentionDays"), m.AlertingLogs.RetentionDays},
		{p.Child("performanceLogRetentionDays"), m.PerformanceLogRetentionDays},
	} {
		if f.days < MinProductionLogRetentionDays {
			errs.Add(f.path, "must be >= %d in an env with termination protection: AWS Control Tower (CT.CLOUDWATCH.PR.2) refuses a log group kept less than a year, got %d", MinProductionLogRetentionDays, f.days)
		}
	}
}

func validateMonitoring(m Monitoring, services []string, p *Path, errs *ErrorList) {
	sp := p.Child("slack")
	if !spec.IsSlackWorkspaceID(m.Slack.WorkspaceID) {
		errs.Invalid(sp.Child("workspaceId"), fmt.Sprintf("%q", m.Slack.WorkspaceID), "must be the Slack workspace id shown in the AWS Chatbot console, e.g. T01234567")
	}
	if !spec.IsSlackChannelID(m.Slack.ChannelID) {
		errs.Invalid(sp.Child("channelId"), fmt.Sprintf("%q", m.Slack.ChannelID), "must be the Slack channel id (channel details, bottom), e.g. C01234567")
	}
	if m.CanaryEveryMinutes < 1 || m.CanaryEveryMinutes > 60 {
		errs.Add(p.Child("canaryEveryMinutes"), "must be between 1 and 60, got %d", m.CanaryEveryMinutes)
	}
	if m.Max5xxPerFiveMinutes < 1 {
		errs.Add(p.Child("max5xxPerFiveMinutes"), "must be >= 1, got %d", m.Max5xxPerFiveMinutes)
	}
	if m.MaxWafBlockedPerFiveMinutes < 1 {
		errs.Add(p.Child("maxWafBlockedPerFiveMinutes"), "must be >= 1, got %d", m.MaxWafBlockedPerFiveMinutes)
	}
	if m.MaxNodeUtilizationPercent < 1 || m.MaxNodeUtilizationPercent > 100 {
		errs.Add(p.Child("maxNodeUtilizationPercent"), "must be a percentage between 1 and 100, got %d", m.MaxNodeUtilizationPercent)
	}
	validateAlertingLogs(m.AlertingLogs, services, p.Child("alertingLogs"), errs)
}
