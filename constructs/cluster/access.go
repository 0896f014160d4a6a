package cluster

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// The access policies of the two kinds of access config grants.
const (
	adminAccessPolicy    = "AmazonEKSClusterAdminPolicy"
	readOnlyAccessPolicy = "AmazonEKSViewPolicy"
)

// accessEntryIDs are the construct ids of the props' access entries by
// principal: spec.AccessEntryID, or the one AccessEntryIDs pins.
func accessEntryIDs(props ClusterProps, account string) (map[string]string, error) {
	ids := map[string]string{}
	byID := map[string]string{}
	for _, arn := range append(append([]string{}, props.AdminRoleArns...), props.ReadOnlyRoleArns...) {
		if _, dup := ids[arn]; dup {
			return nil, fmt.Errorf("role %s: listed twice; a principal has one access entry", arn)
		}
		id, pinned := props.AccessEntryIDs[arn]
		if !pinned {
			id = spec.AccessEntryID(arn, account)
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
