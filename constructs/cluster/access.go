package cluster

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/jsii-runtime-go"
)

// The access policies of the two kinds of access config grants.
const (
	adminAccessPolicy    = "AmazonEKSClusterAdminPolicy"
	readOnlyAccessPolicy = "AmazonEKSViewPolicy"
)

// AccessEntryID is the construct id of principal's access entry: keyed by
// the role, not by its place in a list, so that adding, removing or
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

// accessEntryIDs are the construct ids of the props' access entries by
// principal: AccessEntryID, or the one AccessEntryIDs pins.
func accessEntryIDs(props ClusterProps, account string) (map[string]string, error) {
	ids := map[string]string{}
	byID := map[string]string{}
	for _, arn := range append(append([]string{}, props.AdminRoleArns...), props.ReadOnlyRoleArns...) {
		if _, dup := ids[arn]; dup {
			return nil, fmt.Errorf("role %s: listed twice; a principal has one access entry", arn)
		}
		id, pinned := props.AccessEntryIDs[arn]
		if !pinned {
			id = AccessEntryID(arn, account)
		}
		if other, taken := byID[id]; taken {
			return nil, fmt.Errorf("roles %s and %s: both would be access entry %q", other, arn, id)
		}
		ids[arn], byID[id] = id, arn
	}
	return ids, nil
}

// grantAccess gives each role its access entry. Entries are deleted with
// the config that grants them, whatever the cluster's removal policy: a
// retained entry would keep a role removed from config in the cluster.
func (c *Cluster) grantAccess(props ClusterProps) {
	account := *awscdk.Stack_Of(c.Construct).Account()
	if *awscdk.Token_IsUnresolved(jsii.String(account)) {
		account = "" // every role then carries its account
	}
	ids, err := accessEntryIDs(props, account)
	if err != nil {
		panic(fmt.Errorf("%s: %w", *c.Node().Path(), err))
	}
	grant := func(arns []string, policy string) {
		for _, arn := range arns {
			c.Cluster.GrantAccess(jsii.String(ids[arn]), jsii.String(arn), &[]awseksv2.IAccessPolicy{
				awseksv2.AccessPolicy_FromAccessPolicyName(jsii.String(policy), &awseksv2.AccessPolicyNameOptions{
					AccessScopeType: awseksv2.AccessScopeType_CLUSTER,
				}),
			}, nil)
		}
	}
	grant(props.AdminRoleArns, adminAccessPolicy)
	grant(props.ReadOnlyRoleArns, readOnlyAccessPolicy)
	for _, id := range sortedValues(ids) {
		// After the cluster's own removal policy, which awseksv2 applies
		// to all it holds by an aspect.
		awscdk.RemovalPolicies_Of(c.Cluster.Node().FindChild(jsii.String(id))).Destroy(&awscdk.RemovalPolicyProps{
			Priority: jsii.Number(*awscdk.AspectPriority_DEFAULT() + 1),
		})
	}
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
