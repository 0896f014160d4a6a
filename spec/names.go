package spec

import (
	"regexp"
	"strings"
)

var (
	// dnsLabel is a Kubernetes name of the DNS-1123 label kind (namespaces,
	// Services): lowercase letters, digits and -, at most 63.
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	// serviceName is a service of the catalog: a DNS label of 2-30, which
	// leaves room in the names derived from it (IAM roles, log groups,
	// database identifiers).
	serviceName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,28}[a-z0-9]$`)
	// shortName is a cluster's or a pool's name: 1-16 lowercase letters or
	// digits. A cluster's ends up in stack names, the EKS cluster's name and
	// DNS records; a pool's in node labels and construct ids: neither may
	// carry a -, which the names built from them use as separator.
	shortName = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)
	// nodeGroupName ends up in node labels and construct ids.
	nodeGroupName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,38}[a-z0-9]$`)
	// roleArn is an IAM role's ARN in the commercial partition, with the
	// characters IAM allows in a role's path and name.
	roleArn = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	// routePrefix is a path prefix of the API gateway's route table: /, or
	// segments of URL-unreserved characters.
	routePrefix = regexp.MustCompile(`^/([A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~-]+)*)?$`)
)

// IsDNSLabel reports whether s is a Kubernetes DNS-1123 label: a namespace
// or Service name (lowercase letters, digits and -, at most 63, starting
// and ending with a letter or digit). Such a name is also safe inside a
// SQL string literal.
func IsDNSLabel(s string) bool { return dnsLabel.MatchString(s) }

// IsServiceName reports whether s can name a service of the catalog:
// 2-30 lowercase letters, digits or -, starting with a letter.
func IsServiceName(s string) bool { return serviceName.MatchString(s) }

// IsPoolName reports whether s can name a node pool: 1-16 lowercase
// letters or digits, starting with a letter.
func IsPoolName(s string) bool { return shortName.MatchString(s) }

// IsClusterName reports whether s can name a cluster of an env: 1-16
// lowercase letters or digits, starting with a letter.
func IsClusterName(s string) bool { return shortName.MatchString(s) }

// IsRoleArn reports whether s is an IAM role's ARN
// (arn:aws:iam::<account>:role/<path and name>).
func IsRoleArn(s string) bool { return roleArn.MatchString(s) }

// IsNodeGroupName reports whether s can name a node group: 2-40 lowercase
// letters, digits or -, starting with a letter.
func IsNodeGroupName(s string) bool { return nodeGroupName.MatchString(s) }

// DefaultNodeGroupName is the identity of a group that names none: its
// pool and version, e.g. general-1-34, as every group was identified before
// groups had names (so that they keep their construct ids).
func DefaultNodeGroupName(pool, version string) string {
	return pool + "-" + strings.ReplaceAll(version, ".", "-")
}

// IsRoutePrefix reports whether s is a path prefix the API gateway routes:
// "/" or /segment[/segment...] of letters, digits and _ . ~ -.
func IsRoutePrefix(s string) bool { return routePrefix.MatchString(s) }

// AccessEntryID is the construct id of principal's EKS access entry: keyed
// by the role, not by its place in a list, so that adding, removing or
// reordering roles leaves every other entry as it is. A list position as
// id would hand a removed role's id to the next role: CloudFormation would
// replace that entry with another principal, creating it first, which EKS
// refuses (one access entry per principal, and the next role's own entry
// still holds it). The id does not name the access policy either: moving a
// role between admins and read-only updates its entry in place. A role of
// another account than account carries that account, since role names are
// unique only within one.
//
// Ids keep the role name as it is: IAM role names ([\w+=,.@-]) have no
// "/", the one character construct ids refuse.
func AccessEntryID(principal, account string) string {
	acct, name := roleOf(principal)
	if acct == account {
		return "Access-" + name
	}
	return "Access-" + acct + "-" + name
}

// roleOf is the account and role name of a role ARN
// (arn:aws:iam::<account>:role/<path/><name>).
func roleOf(arn string) (account, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 {
		account = parts[4]
	}
	return account, arn[strings.LastIndex(arn, "/")+1:]
}
