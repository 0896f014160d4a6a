package monitoring

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/spec"
)

// ClusterAlarmsProps configures ClusterAlarms.
type ClusterAlarmsProps struct {
	// ClusterName is the EKS cluster's name, the ClusterName dimension. Required.
	ClusterName string
	// Action is notified on alarm and on recovery. Required.
	Action awscloudwatch.IAlarmAction
	// MaxNodeUtilizationPercent fires when the nodes average more CPU or
	// memory than this for 15 minutes. @default 80
	MaxNodeUtilizationPercent int
	// MaxApiServer5xxPerFiveMinutes fires on more Kubernetes API 5xx
	// answers than this, two periods running. @default 50
	MaxApiServer5xxPerFiveMinutes int
}

// Validate reports every problem with the props.
func (p ClusterAlarmsProps) Validate() error {
	var errs []error
	if p.ClusterName == "" {
		errs = append(errs, errors.New("clusterName: required"))
	}
	if p.Action == nil {
		errs = append(errs, errors.New("action: required"))
	}
	if p.MaxNodeUtilizationPercent < 1 || p.MaxNodeUtilizationPercent > 100 {
		errs = append(errs, fmt.Errorf("maxNodeUtilizationPercent: must be 1-100, got %d", p.MaxNodeUtilizationPercent))
	}
	if p.MaxApiServer5xxPerFiveMinutes < 1 {
		errs = append(errs, fmt.Errorf("maxApiServer5xxPerFiveMinutes: must be >= 1, got %d", p.MaxApiServer5xxPerFiveMinutes))
	}
	return errors.Join(errs...)
}

// NewClusterAlarms alarms on a cluster's health as the on-call needs it:
// nodes not Ready, nodes out of CPU or memory, pods that no node group
// can take (groups at their maximum, or a draining pool with no active
// group), the Kubernetes API failing, and Container Insights going silent
// (its agent down: every other node alarm is then blind).
// Node metrics come from Container Insights (the LogShipper's agent);
// scheduler and API metrics are the control-plane metrics EKS publishes in
// AWS/EKS for free.
func NewClusterAlarms(scope constructs.Construct, id string, p ClusterAlarmsProps) *AlarmSet {
	if p.MaxNodeUtilizationPercent == 0 {
		p.MaxNodeUtilizationPercent = spec.DefaultMaxNodeUtilizationPercent
	}
	if p.MaxApiServer5xxPerFiveMinutes == 0 {
		p.MaxApiServer5xxPerFiveMinutes = 50
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	metricOver := func(period awscdk.Duration, namespace, name, stat string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String(namespace), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"ClusterName": jsii.String(p.ClusterName)},
			Period:        period, Statistic: jsii.String(stat),
		})
	}
	metric := func(namespace, name, stat string) awscloudwatch.Metric {
		return metricOver(fiveMinutes(), namespace, name, stat)
	}
	const insights, eks = "ContainerInsights", "AWS/EKS"
	gt, lt := awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD
	quiet, silent := awscloudwatch.TreatMissingData_NOT_BREACHING, awscloudwatch.TreatMissingData_BREACHING
	c, u := p.ClusterName, p.MaxNodeUtilizationPercent
	return newAlarmSet(scope, id, p.Action, []alarmSpec{
		// Every minute of ten: a node joining or draining is NotReady
		// briefly during every upgrade, and that must not page.
		{"NodesNotReady", metricOver(awscdk.Duration_Minutes(jsii.Number(1)), insights, "cluster_failed_node_count", "Minimum"), 0, gt, 10, quiet,
			fmt.Sprintf("%s has nodes that are not Ready for 10 minutes: their pods are being evicted. kubectl get nodes; kubectl describe node <node>; then the Athena saved query %q for the kubelet's and containerd's lines.", c, logging.NodeErrorsQueryName)},
		{"NodeCpuHigh", metric(insights, "node_cpu_utilization", "Average"), float64(u), gt, 3, quiet,
			fmt.Sprintf("The nodes of %s average over %d%% CPU for 15 minutes: new pods will not fit and latency rises. kubectl top nodes; raise maxSize of the busy pool's active node group in its config.", c, u)},
		{"NodeMemoryHigh", metric(insights, "node_memory_utilization", "Average"), float64(u), gt, 3, quiet,
			fmt.Sprintf("The nodes of %s average over %d%% memory for 15 minutes: pods risk OOM kills and evictions. kubectl top nodes; raise maxSize of the busy pool's active node group in its config.", c, u)},
		{"PodsUnschedulable", metric(eks, "scheduler_pending_pods_UNSCHEDULABLE", "Maximum"), 0, gt, 3, quiet,
			fmt.Sprintf("Pods of %s cannot be scheduled for 15 minutes: node groups are at maxSize, Spot capacity is short, or a pool has only a draining group left. kubectl get pods -A --field-selector=status.phase=Pending; kubectl describe pod <pod> shows why.", c)},
		{"ApiServer5xx", metric(eks, "apiserver_request_total_5XX", "Sum"), float64(p.MaxApiServer5xxPerFiveMinutes), gt, 2, quiet,
			fmt.Sprintf("The Kubernetes API of %s answers over %d 5xx per 5 minutes for 10 minutes: deploys and controllers (the Load Balancer Controller) fail. Read the control-plane logs in /aws/eks/%s/cluster and the AWS Health dashboard.", c, p.MaxApiServer5xxPerFiveMinutes, c)},
		{"InsightsSilent", metric(insights, "cluster_node_count", "Minimum"), 1, lt, 3, silent,
			fmt.Sprintf("Container Insights reports no node of %s for 15 minutes: the cluster has no node, or the CloudWatch agent of the amazon-cloudwatch-observability add-on is down, so the node alarms are blind. kubectl -n amazon-cloudwatch get pods; the add-on's health in the EKS console. Its Fluent Bit is watched by the log streams' Silent alarms.", c)},
	})
}
