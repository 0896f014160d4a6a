package envs

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ecplatform/eks-platform/spec"
)

var (
	instanceTypePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	// Graviton families carry a "g" right after the generation digit
	// (m7g, c7gn, r8g, t4g); x86 families never do.
	gravitonFamily = regexp.MustCompile(`^[a-z]+[0-9]+g[a-z]*\.`)
)

// ReservedLabelPrefix is the label and taint namespace the platform sets
// itself: pool, node group, Kubernetes version, draining.
const ReservedLabelPrefix = "platform.ecplatform.io/"

func validateClusters(c *Config, errs *ErrorList) {
	p := NewPath("clusters")
	if len(c.Clusters) == 0 {
		errs.Required(p, "at least one EKS cluster")
		return
	}
	names := map[string]int{}
	for i, cl := range c.Clusters {
		cp := p.Index(i)
		switch {
		case cl.Name == "":
			errs.Required(cp.Child("name"), "a short name such as blue")
		case !spec.IsClusterName(cl.Name):
			errs.Invalid(cp.Child("name"), fmt.Sprintf("%q", cl.Name), "must be 1-16 lowercase letters or digits starting with a letter")
		default:
			if j, dup := names[cl.Name]; dup {
				errs.Add(cp.Child("name"), "%q is also the name of clusters[%d]: cluster names must be unique", cl.Name, j)
			}
			names[cl.Name] = i
		}
		validateCluster(c, cl, cp, errs)
	}
}

func validateCluster(c *Config, cl Cluster, p *Path, errs *ErrorList) {
	cpMinor, cpOK := validateVersion(cl.Version, p.Child("version"), errs)
	switch cl.State {
	case ClusterActive:
	case ClusterRetiring:
		if w, ok := c.Edge.ClusterWeights[cl.Name]; ok && w != 0 {
			errs.Add(p.Child("state"), "a retiring cluster takes no traffic: set edge.clusterWeights.%s to 0 (it is %d), moving it down by at most edge.maxWeightStep a deploy", cl.Name, w)
		}
	default:
		errs.NotSupported(p.Child("state"), cl.State, []string{string(ClusterActive), string(ClusterRetiring)})
	}
	validateServiceCidr(c, cl.ServiceCidr, p.Child("serviceCidr"), errs)
	if len(cl.Endpoint.PublicAccessCidrs) > 0 && c.Protection.TerminationProtection {
		errs.Add(p.Child("endpoint").Child("publicAccessCidrs"), "a public Kubernetes API endpoint is refused in an env with termination protection (production): reach the API from the VPC or over Direct Connect, and remove the list")
	}
	for i, s := range cl.Endpoint.PublicAccessCidrs {
		ep := p.Child("endpoint").Child("publicAccessCidrs").Index(i)
		if r, ok := parseCIDR(s, ep, errs); ok && r.Bits() < MinTrustedPrefixBits {
			errs.Add(ep, "%s opens the Kubernetes API to %s: list the ranges that need it (/%d or narrower), or none to keep it private", r, addressCount(r), MinTrustedPrefixBits)
		}
	}
	ap := p.Child("access")
	if len(cl.Access.AdminRoleArns) == 0 {
		errs.Required(ap.Child("adminRoleArns"), "at least one IAM role ARN that administers the cluster")
	}
	seenRoles := map[string]string{}
	entryIDs := map[string]string{} // access entry id → role
	for _, field := range []string{"adminRoleArns", "readOnlyRoleArns"} {
		arns := cl.Access.AdminRoleArns
		if field == "readOnlyRoleArns" {
			arns = cl.Access.ReadOnlyRoleArns
		}
		for i, arn := range arns {
			rp := ap.Child(field).Index(i)
			if !spec.IsRoleArn(arn) {
				errs.Invalid(rp, fmt.Sprintf("%q", arn), "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
				continue
			}
			if acct := arnAccount(arn); acct != c.Account && !slices.Contains(c.TrustedAccounts, acct) {
				errs.Add(rp, "%s is a role of account %s, not this env's %s: list %s in trustedAccounts if that account is meant to reach this cluster", arn, acct, c.Account, acct)
			}
			if other, dup := seenRoles[arn]; dup {
				errs.Add(rp, "%s is also listed in %s: a role gets one access entry", arn, other)
			} else if other, dup := entryIDs[spec.AccessEntryID(arn, c.Account)]; dup {
				// Access entries are keyed by role name (and account, for
				// another account's role).
				errs.Add(rp, "%s and %s would have the same access entry, %s: rename one of the roles", other, arn, spec.AccessEntryID(arn, c.Account))
			}
			seenRoles[arn] = rp.String()
			entryIDs[spec.AccessEntryID(arn, c.Account)] = arn
		}
	}
	addonNames := make([]string, 0, len(cl.Addons))
	for name := range cl.Addons {
		addonNames = append(addonNames, name)
	}
	sort.Strings(addonNames)
	for _, name := range addonNames {
		ap := p.Child("addons").Key(name)
		switch {
		case !slices.Contains(spec.PinnedAddons, name):
			errs.NotSupported(ap, name, spec.PinnedAddons)
		case !addonVersionPattern.MatchString(cl.Addons[name]):
			errs.Invalid(ap, fmt.Sprintf("%q", cl.Addons[name]), "must be an EKS add-on version such as v1.19.2-eksbuild.1")
		}
	}
	validateIstio(c, cl, p.Child("istio"), errs)
	validateNodeGroups(cl, cpMinor, cpOK, p.Child("nodeGroups"), errs)
}

func validateNodeGroups(cl Cluster, cpMinor int, cpOK bool, p *Path, errs *ErrorList) {
	if len(cl.NodeGroups) == 0 {
		errs.Required(p, "at least one node group")
		return
	}
	ids := map[string]int{}
	activePools := map[string]bool{}
	var pools []string
	for i, g := range cl.NodeGroups {
		gp := p.Index(i)
		switch {
		case g.Pool == "":
			errs.Required(gp.Child("pool"), "the workload pool, e.g. general")
		case !spec.IsPoolName(g.Pool):
			errs.Invalid(gp.Child("pool"), fmt.Sprintf("%q", g.Pool), "must be 1-16 lowercase letters or digits starting with a letter")
		}
		if g.Pool != "" && !slices.Contains(pools, g.Pool) {
			pools = append(pools, g.Pool)
		}
		ngMinor, ngOK := validateVersion(g.Version, gp.Child("version"), errs)
		if ngOK && cpOK {
			switch {
			case ngMinor > cpMinor:
				errs.Add(gp.Child("version"), "%s is newer than the control plane (%s): upgrade the cluster's version first", g.Version, cl.Version)
			case cpMinor-ngMinor > spec.MaxNodeSkewMinors:
				errs.Add(gp.Child("version"), "%s is %d minors behind the control plane (%s); EKS allows at most %d: upgrade this pool's nodes before the control plane", g.Version, cpMinor-ngMinor, cl.Version, spec.MaxNodeSkewMinors)
			}
		}
		if g.Name != "" && !spec.IsNodeGroupName(g.Name) {
			errs.Invalid(gp.Child("name"), fmt.Sprintf("%q", g.Name), "must be 2-40 lowercase letters, digits or -, starting with a letter")
		}
		if g.Pool != "" && g.Version != "" {
			if j, dup := ids[g.ID()]; dup {
				if g.Name == "" {
					errs.Add(gp, "pool %s at version %s is also nodeGroups[%d] (both named %s): give one of them a name", g.Pool, g.Version, j, g.ID())
				} else {
					errs.Add(gp.Child("name"), "%s is also the name of nodeGroups[%d]: node group names are unique in a cluster", g.ID(), j)
				}
			}
			ids[g.ID()] = i
		}
		switch g.State {
		case NodeGroupActive:
			activePools[g.Pool] = true
		case NodeGroupDraining:
		default:
			errs.NotSupported(gp.Child("state"), g.State, []string{string(NodeGroupActive), string(NodeGroupDraining)})
		}
		validateNodeGroupCapacity(g, gp, errs)
	}
	for _, pool := range pools {
		if !activePools[pool] {
			errs.Add(p, "pool %s has no active node group: its pods would have nowhere to go; keep one group of the pool active", pool)
		}
	}
}

func validateNodeGroupCapacity(g NodeGroup, p *Path, errs *ErrorList) {
	arch, amiOK := amiArch(g.AmiType)
	if !amiOK {
		names := amiTypeNames()
		sort.Strings(names)
		if g.AmiType == "" {
			errs.Required(p.Child("amiType"), "one of "+strings.Join(names, ", "))
		} else {
			errs.NotSupported(p.Child("amiType"), g.AmiType, names)
		}
	}
	if len(g.InstanceTypes) == 0 {
		errs.Required(p.Child("instanceTypes"), "at least one EC2 instance type, e.g. m7i.xlarge")
	}
	for i, it := range g.InstanceTypes {
		ip := p.Child("instanceTypes").Index(i)
		if !instanceTypePattern.MatchString(it) {
			errs.Invalid(ip, fmt.Sprintf("%q", it), "must be an EC2 instance type such as m7i.xlarge")
			continue
		}
		itArch := ArchX86
		if gravitonFamily.MatchString(it) {
			itArch = ArchARM
		}
		if amiOK && itArch != arch {
			errs.Add(ip, "%s is an %s instance type but amiType %s is %s: use instance types of one architecture", it, itArch, g.AmiType, arch)
		}
	}
	if g.CapacityType != OnDemand && g.CapacityType != Spot {
		errs.NotSupported(p.Child("capacityType"), g.CapacityType, []string{string(OnDemand), string(Spot)})
	}
	if g.MinSize < 0 {
		errs.Add(p.Child("minSize"), "must be >= 0, got %d", g.MinSize)
	}
	if g.MaxSize < 1 {
		errs.Add(p.Child("maxSize"), "must be >= 1, got %d", g.MaxSize)
	} else if g.MaxSize < g.MinSize {
		errs.Add(p.Child("maxSize"), "must be >= minSize (%d), got %d", g.MinSize, g.MaxSize)
	}
	if g.DesiredSize < g.MinSize || g.DesiredSize > g.MaxSize {
		errs.Add(p.Child("desiredSize"), "must be between minSize (%d) and maxSize (%d), got %d", g.MinSize, g.MaxSize, g.DesiredSize)
	}
	if g.DiskSizeGiB < 20 || g.DiskSizeGiB > 16384 {
		errs.Add(p.Child("diskSizeGiB"), "must be between 20 and 16384, got %d", g.DiskSizeGiB)
	}
	keys := make([]string, 0, len(g.Labels))
	for k := range g.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		lp := p.Child("labels").Key(k)
		if strings.HasPrefix(k, ReservedLabelPrefix) {
			errs.Add(lp, "the %s prefix is reserved for labels the platform sets: use another key", ReservedLabelPrefix)
			continue
		}
		validateLabel(k, g.Labels[k], lp, "label", errs)
	}
	effects := make([]string, len(TaintEffects))
	for i, e := range TaintEffects {
		effects[i] = string(e)
	}
	for i, t := range g.Taints {
		tp := p.Child("taints").Index(i)
		switch {
		case t.Key == "":
			errs.Required(tp.Child("key"), "the taint's key")
		case strings.HasPrefix(t.Key, ReservedLabelPrefix):
			errs.Add(tp.Child("key"), "the %s prefix is reserved: draining is set with state: draining", ReservedLabelPrefix)
		default:
			validateLabel(t.Key, t.Value, tp, "taint", errs)
		}
		if !slices.Contains(effects, string(t.Effect)) {
			errs.NotSupported(tp.Child("effect"), t.Effect, effects)
		}
	}
}

// MinTrustedPrefixBits is the widest range config may trust by address (a
// public API endpoint, a WAF allow list): a /8 is already 16 million hosts.
const MinTrustedPrefixBits = 8

// addressCount says how many addresses a prefix holds, for messages.
func addressCount(p netip.Prefix) string {
	if p.Bits() == 0 {
		return "the internet"
	}
	return fmt.Sprintf("%d addresses", uint64(1)<<(32-p.Bits()))
}

// arnAccount is the account of an IAM ARN (arn:aws:iam::<account>:...).
func arnAccount(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

// validateLabel checks a node label or taint by the rules the API server
// applies to the Node: the key a qualified name ([prefix/]name), the value
// a label value. EKS passes both to the kubelet, which would fail to
// register a node with an invalid one.
func validateLabel(key, value string, p *Path, what string, errs *ErrorList) {
	kp, vp := p, p
	if what == "taint" {
		kp, vp = p.Child("key"), p.Child("value")
	}
	for _, m := range validation.IsQualifiedName(key) {
		errs.Add(kp, "%q is not a valid Kubernetes %s key: %s", key, what, m)
	}
	for _, m := range validation.IsValidLabelValue(value) {
		errs.Add(vp, "%q is not a valid Kubernetes %s value: %s", value, what, m)
	}
}

// validateVersion checks a Kubernetes minor version against the versions
// EKS offers and returns its minor number.
func validateVersion(v string, p *Path, errs *ErrorList) (int, bool) {
	if v == "" {
		errs.Required(p, fmt.Sprintf("a Kubernetes minor version, one of %s", strings.Join(spec.SupportedVersions(), ", ")))
		return 0, false
	}
	minor, ok := kubernetesMinor(v)
	if !ok {
		errs.Invalid(p, fmt.Sprintf("%q", v), "must be a Kubernetes minor version such as \"1.33\" (quoted: 1.30 unquoted is the number 1.3)")
		return 0, false
	}
	if !slices.Contains(spec.SupportedVersions(), v) {
		errs.Add(p, "EKS does not offer Kubernetes %s here; supported: %s", v, strings.Join(spec.SupportedVersions(), ", "))
		return minor, false
	}
	return minor, true
}

var minorPattern = regexp.MustCompile(`^1\.([0-9]{1,2})$`)

func kubernetesMinor(v string) (int, bool) {
	m := minorPattern.FindStringSubmatch(v)
	if m == nil {
		return 0, false
	}
	n := 0
	fmt.Sscanf(m[1], "%d", &n)
	return n, true
}
