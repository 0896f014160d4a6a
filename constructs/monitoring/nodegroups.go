package monitoring

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// NodeGroupLaunchAlertsProps configures NodeGroupLaunchAlerts.
type NodeGroupLaunchAlertsProps struct {
	// Channel is the alarm channel (AWS Chatbot reads its topic). Required.
	Channel *AlarmChannel
	// Name says whose node groups in the message, e.g. "prd". Required.
	Name string
}

// Validate reports every problem with the props.
func (p NodeGroupLaunchAlertsProps) Validate() error {
	var errs []error
	if p.Channel == nil {
		errs = append(errs, errors.New("channel: required"))
	}
	if p.Name == "" {
		errs = append(errs, errors.New("name: required"))
	}
	return errors.Join(errs...)
}

// NodeGroupLaunchAlerts is the EventBridge rule that sends node group
// launch failures to the alarm channel.
type NodeGroupLaunchAlerts struct {
	constructs.Construct
	Rule awsevents.Rule
}

// eksNodeGroupPrefix starts the Auto Scaling group name of every EKS managed
// node group: eks-<node group name>-<uuid>.
const eksNodeGroupPrefix = "eks-"

// NewNodeGroupLaunchAlerts tells the channel when an EKS managed node group
// cannot launch an instance (no Spot or On-Demand capacity for its
// instance types, a quota, a subnet out of addresses): the group then runs
// short of nodes while the upgrade or scale-out that needed them waits.
// EKS publishes no per-node-group metric; Auto Scaling's event names the
// group and the cause. One rule covers every node group of every cluster,
// so a group added by an upgrade is watched without any change here.
//
// The message is an AWS Chatbot custom notification: Chatbot drops
// EventBridge events it does not know unless they come in that shape. Its
// text has no angle brackets: EventBridge reads <name> as a placeholder.
func NewNodeGroupLaunchAlerts(scope constructs.Construct, id string, p NodeGroupLaunchAlertsProps) *NodeGroupLaunchAlerts {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	a := &NodeGroupLaunchAlerts{Construct: self}
	field := func(path string) string { return *awsevents.EventField_FromPath(jsii.String(path)) }
	group := field("$.detail.AutoScalingGroupName")
	a.Rule = awsevents.NewRule(self, jsii.String("Rule"), &awsevents.RuleProps{
		Description: jsii.String(fmt.Sprintf("%s: an EKS managed node group could not launch an instance", p.Name)),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings("aws.autoscaling"),
			DetailType: jsii.Strings("EC2 Instance Launch Unsuccessful"),
			Detail:     &map[string]any{"AutoScalingGroupName": awsevents.Match_Prefix(jsii.String(eksNodeGroupPrefix))},
		},
	})
	p.Channel.AddRule(a.Rule, awsevents.RuleTargetInput_FromObject(map[string]any{
		"version": "1.0",
		"source":  "custom",
		"id":      field("$.id"),
		"content": map[string]any{
			"textType":    "client-markdown",
			"title":       fmt.Sprintf(":warning: %s: EKS node group could not launch an instance", p.Name),
			"description": fmt.Sprintf("Auto Scaling group `%s` (EKS names it eks-NODEGROUP-ID): %s Cause: %s", group, field("$.detail.StatusMessage"), field("$.detail.Cause")),
			"nextSteps": []string{
				"EKS console, the cluster's Compute tab: the node group's health issues.",
				"Insufficient capacity: add instance types to the node group in its config; a quota: raise it in Service Quotas.",
				"Pods waiting for nodes: kubectl get pods -A --field-selector=status.phase=Pending",
			},
		},
		"metadata": map[string]any{"eventType": "NodeGroupLaunchUnsuccessful", "threadId": group},
	}))
	return a
}
