// Package isolation proves, on an environment's synthesized templates, that
// no catalog service can reach what another service owns: no policy grants
// a service's role another service's table, database, secrets, image
// repository, log partition or keys, and no security group rule lets
// anything but a service's own pods into its database.
//
// A resource belongs to the service whose Service-<name> construct made it
// (its construct path). What a service owns is every such resource, plus
// what is named after it outside its construct: its secrets
// (<env>/<name>/*), its partition of every log stream partitioned by
// service (.../service=<name>/), and every key that encrypts one of its
// resources (a key its services share is reachable only under an
// encryption context naming the grantee's own table).
//
// A grant is matched three ways: a Ref, GetAtt or import of another
// service's resource; a literal ARN or wildcard that would cover one
// (a concrete ARN of each protected thing is tried against the pattern);
// and, for a service role, any Allow on Resource "*" of a data-plane
// action (dynamodb, rds-db, secretsmanager, ecr, s3, kms).
package isolation

import (
	"fmt"
	"slices"
	"strings"
)

// Template is one stack of an environment as synthesized.
type Template struct {
	// Stack is the CloudFormation stack name, e.g. prd-services-16.
	Stack string
	// Body is the template as decoded JSON.
	Body map[string]any
	// Paths are the construct paths by logical id, from the cloud
	// assembly's metadata (templates synthesized without path metadata do
	// not carry them); a resource's Metadata aws:cdk:path is used where a
	// logical id is missing.
	Paths map[string]string
}

// Env is one environment's templates and where it deploys.
type Env struct {
	// Name is the env, e.g. prd: the prefix of its tables, databases and
	// secrets.
	Name string
	// Account and Region are what the templates' pseudo parameters stand
	// for, and what literal ARNs are compared with.
	Account, Region string
	// Partition is the AWS partition. @default aws
	Partition string
	// Templates are all the env's stacks: grants and rules are looked for
	// everywhere, not only in the services' stacks.
	Templates []Template
}

// Finding is one way a service can reach another's resources.
type Finding struct {
	Env, Stack string
	// LogicalID is the resource holding the grant or rule: the policy,
	// the role of an inline policy, the key or bucket policy, the rule.
	LogicalID string
	Message   string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s: %s", f.Env, f.Stack, f.LogicalID, f.Message)
}

// ServiceCounts are what was checked for one service: a check that found
// nothing to check proves nothing.
type ServiceCounts struct {
	// Roles are its roles (those its pods act as).
	Roles int
	// Statements are the Allow statements granting to them, checked.
	Statements int
	// Protected are its protected things other services' grants were
	// compared with; DataStores its tables and database clusters among
	// them.
	Protected, DataStores int
	// DatabaseGroups are the security groups of its databases, and
	// DatabaseRules the rules into or out to them, checked.
	DatabaseGroups, DatabaseRules int
}

// Report is the outcome of Check.
type Report struct {
	Findings []Finding
	// Statements and Rules are every policy statement and security group
	// rule of the env walked, whoever they grant to.
	Statements, Rules int
	// Services are the counts by service, for every service found.
	Services map[string]*ServiceCounts
}

// Check walks every policy and security group rule of env and reports each
// way one service can reach another's resources.
func Check(env Env) Report {
	if env.Partition == "" {
		env.Partition = "aws"
	}
	x := newIndex(env)
	x.checkPolicies()
	x.checkRules()
	slices.SortFunc(x.report.Findings, func(a, b Finding) int { return strings.Compare(a.String(), b.String()) })
	x.report.Findings = slices.Compact(x.report.Findings)
	return x.report
}

// ServiceNames are the services found, sorted.
func (r Report) ServiceNames() []string {
	out := make([]string, 0, len(r.Services))
	for s := range r.Services {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
