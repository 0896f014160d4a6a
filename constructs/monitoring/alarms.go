package monitoring

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/spec"
)

// alarmSpec is one alarm: what it watches, when it fires, and what its
// description tells the on-call (what broke, where to look).
type alarmSpec struct {
	id          string
	metric      awscloudwatch.IMetric
	threshold   float64
	op          awscloudwatch.ComparisonOperator
	periods     int
	missing     awscloudwatch.TreatMissingData
	description string
}

// AlarmSet is the alarms on one thing (a load balancer, a stream, a
// cluster), each notifying one action on alarm and on recovery.
type AlarmSet struct {
	constructs.Construct
	Alarms []awscloudwatch.Alarm
}

func newAlarmSet(scope constructs.Construct, id string, action awscloudwatch.IAlarmAction, specs []alarmSpec) *AlarmSet {
	self := constructs.NewConstruct(scope, &id)
	set := &AlarmSet{Construct: self}
	for _, s := range specs {
		a := awscloudwatch.NewAlarm(self, jsii.String(s.id), &awscloudwatch.AlarmProps{
			Metric:             s.metric,
			Threshold:          jsii.Number(s.threshold),
			ComparisonOperator: s.op,
			EvaluationPeriods:  jsii.Number(s.periods),
			TreatMissingData:   s.missing,
			AlarmDescription:   jsii.String(s.description),
		})
		a.AddAlarmAction(action)
		a.AddOkAction(action)
		set.Alarms = append(set.Alarms, a)
	}
	return set
}

// Mute stops the set's alarms from notifying while they keep evaluating:
// for what is being retired, whose silence or errors page nobody.
func (s *AlarmSet) Mute() {
	for _, a := range s.Alarms {
		a.Node().DefaultChild().(awscloudwatch.CfnAlarm).SetActionsEnabled(jsii.Bool(false))
	}
}

// fiveMinutes is the period of the alarms' metrics. A function, not a
// package variable: a Duration is a jsii object, and making one at package
// init would start Node in every program that imports this package.
func fiveMinutes() awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(5)) }

// AlbAlarmsProps configures AlbAlarms.
type AlbAlarmsProps struct {
	// Name says which endpoint, e.g. "prd blue external". Required.
	Name         string
	LoadBalancer elbv2.ApplicationLoadBalancer
	// Targets are the load balancer's target groups, each with the API
	// gateway's Service it forwards to, named in that group's alarms.
	Targets []AlbTarget
	// ApiGatewayNamespace is where the on-call finds the API gateway's pods
	// and TargetGroupBindings (edge.apiGateway.namespace). Required.
	ApiGatewayNamespace string
	// HealthCheckPath is what the ALB probes on each pod
	// (edge.apiGateway.healthCheckPath). Required.
	HealthCheckPath string
	// ErrorsQuery is the Logs Insights saved query on AlertingLogGroup that
	// lists error lines per service and cluster, where a gateway 5xx sends
	// the on-call. Both required.
	ErrorsQuery, AlertingLogGroup string
	Action                        awscloudwatch.IAlarmAction
	// Max5xxPerFiveMinutes fires on more 5xx than this. @default 25
	Max5xxPerFiveMinutes int
}

// AlbTarget is a target group and the Service whose pods it holds.
type AlbTarget struct {
	Group elbv2.ApplicationTargetGroup
	// Service is the Kubernetes Service's name, in ApiGatewayNamespace.
	Service string
}

// Validate checks the props; NewAlbAlarms calls it first.
func (p AlbAlarmsProps) Validate() error {
	var errs []error
	if p.Name == "" || p.LoadBalancer == nil || p.Action == nil {
		errs = append(errs, errors.New("name, loadBalancer and action: required"))
	}
	if !spec.IsDNSLabel(p.ApiGatewayNamespace) {
		errs = append(errs, fmt.Errorf("apiGatewayNamespace: must be a Kubernetes namespace, got %q", p.ApiGatewayNamespace))
	}
	if !strings.HasPrefix(p.HealthCheckPath, "/") {
		errs = append(errs, fmt.Errorf("healthCheckPath: must be a path such as %s, got %q", spec.DefaultHealthCheckPath, p.HealthCheckPath))
	}
	if p.ErrorsQuery == "" || p.AlertingLogGroup == "" {
		errs = append(errs, errors.New("errorsQuery and alertingLogGroup: required, the saved query a 5xx alarm sends the on-call to"))
	}
	for i, t := range p.Targets {
		if t.Group == nil || !spec.IsDNSLabel(t.Service) {
			errs = append(errs, fmt.Errorf("targets[%d]: a target group and the Service it forwards to (a DNS label), got %q", i, t.Service))
		}
	}
	if p.Max5xxPerFiveMinutes < 0 {
		errs = append(errs, fmt.Errorf("max5xxPerFiveMinutes: must be >= 0, got %d", p.Max5xxPerFiveMinutes))
	}
	return errors.Join(errs...)
}

// NewAlbAlarms alarms on a load balancer's own 5xx (no healthy target, or
// the ALB failing) and, per target group, on the API gateway's 5xx and on
// unhealthy targets. Each description names what the on-call looks at:
// the gateway's namespace, its Service and its health check path.
func NewAlbAlarms(scope constructs.Construct, id string, p AlbAlarmsProps) *AlarmSet {
	if p.Max5xxPerFiveMinutes == 0 {
		p.Max5xxPerFiveMinutes = spec.DefaultMax5xxPerFiveMinutes
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	ns := p.ApiGatewayNamespace
	sum := &awscloudwatch.MetricOptions{Period: fiveMinutes(), Statistic: jsii.String("Sum")}
	specs := []alarmSpec{{
		"Elb5xx", p.LoadBalancer.Metrics().HttpCodeElb(elbv2.HttpCodeElb_ELB_5XX_COUNT, sum), float64(p.Max5xxPerFiveMinutes),
		awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1, awscloudwatch.TreatMissingData_NOT_BREACHING,
		fmt.Sprintf("%s ALB returns 5xx itself: usually no healthy API gateway pod behind it. Check the target groups' healthy hosts, the API gateway's pods (kubectl -n %s get pods) and its TargetGroupBindings (kubectl -n %s get targetgroupbindings).", p.Name, ns, ns),
	}}
	// Ids by position, as before the Services were named: a changed
	// description updates an alarm in place, a changed id would replace it.
	for i, t := range p.Targets {
		specs = append(specs,
			alarmSpec{fmt.Sprintf("Target5xx%d", i), t.Group.Metrics().HttpCodeTarget(elbv2.HttpCodeTarget_TARGET_5XX_COUNT, sum), float64(p.Max5xxPerFiveMinutes),
				awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1, awscloudwatch.TreatMissingData_NOT_BREACHING,
				fmt.Sprintf("%s: the API gateway's Service %s/%s answers 5xx. CloudWatch Logs Insights: saved query %q on %s over the last hour, and the logs of the pods behind it (kubectl -n %s get endpoints %s); if it started with a canary release, set edge.targetWeights.canary to 0.", p.Name, ns, t.Service, p.ErrorsQuery, p.AlertingLogGroup, ns, t.Service)},
			alarmSpec{fmt.Sprintf("Unhealthy%d", i), t.Group.Metrics().UnhealthyHostCount(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum")}), 0,
				awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 3, awscloudwatch.TreatMissingData_NOT_BREACHING,
				fmt.Sprintf("%s: pods of the API gateway's Service %s/%s fail the ALB health check (GET %s) for 3 minutes. Check their readiness (kubectl -n %s get endpoints %s), node group health, and recent rollouts.", p.Name, ns, t.Service, p.HealthCheckPath, ns, t.Service)},
		)
	}
	return newAlarmSet(scope, id, p.Action, specs)
}

// NewWafAlarms alarms when a web ACL blocks far more than usual: an attack
// or a rule suddenly blocking customers.
func NewWafAlarms(scope constructs.Construct, id string, webAclName string, maxBlockedPerFiveMinutes int, action awscloudwatch.IAlarmAction) *AlarmSet {
	blocked := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String("AWS/WAFV2"),
		MetricName: jsii.String("BlockedRequests"),
		DimensionsMap: &map[string]*string{
			"WebACL": jsii.String(webAclName), "Region": awscdk.Stack_Of(scope).Region(), "Rule": jsii.String("ALL"),
		},
		Period:    fiveMinutes(),
		Statistic: jsii.String("Sum"),
	})
	return newAlarmSet(scope, id, action, []alarmSpec{{
		"BlockedSpike", blocked, float64(maxBlockedPerFiveMinutes), awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 2, awscloudwatch.TreatMissingData_NOT_BREACHING,
		fmt.Sprintf("WAF %s blocks over %d requests per 5 minutes: an attack, or a rule blocking real customers. Run the Athena saved query %q to tell which.", webAclName, maxBlockedPerFiveMinutes, logging.WafBlocksQueryName),
	}})
}

// FirehoseAlarmsProps configures FirehoseAlarms.
type FirehoseAlarmsProps struct {
	// StreamName is the Firehose stream's name. Required.
	StreamName string
	// Action is notified on alarm and on recovery. Required.
	Action awscloudwatch.IAlarmAction
	// Continuous says producers write to the stream without pause (the
	// log shippers: every node logs every minute), so a stream that
	// receives nothing for 15 minutes means the producers stopped.
	// @default false (a quiet stream, such as WAF logs, is normal)
	Continuous bool
}

// Validate reports every problem with the props.
func (p FirehoseAlarmsProps) Validate() error {
	var errs []error
	if p.StreamName == "" {
		errs = append(errs, errors.New("streamName: required"))
	}
	if p.Action == nil {
		errs = append(errs, errors.New("action: required"))
	}
	return errors.Join(errs...)
}

// NewFirehoseAlarms alarms when a log stream stops delivering to S3 (logs
// would be missing from Athena and, past 24 hours, lost), when it
// throttles its producers, and, for a continuous stream, when nothing
// arrives at all.
func NewFirehoseAlarms(scope constructs.Construct, id string, p FirehoseAlarmsProps) *AlarmSet {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	metric := func(name, stat string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/Firehose"), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"DeliveryStreamName": jsii.String(p.StreamName)},
			Period:        fiveMinutes(), Statistic: jsii.String(stat),
		})
	}
	gt, lt, quiet := awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD, awscloudwatch.TreatMissingData_NOT_BREACHING
	specs := []alarmSpec{
		{"DeliveryFailing", metric("DeliveryToS3.Success", "Average"), 1, lt, 3, quiet,
			fmt.Sprintf("Firehose %s fails to write to the log archive. Read its DeliveryErrors log group; usually the role, the KMS key or the bucket policy.", p.StreamName)},
		{"DataStale", metric("DeliveryToS3.DataFreshness", "Maximum"), 900, gt, 3, quiet,
			fmt.Sprintf("Firehose %s holds records older than 15 minutes: delivery is behind; records older than 24 hours are dropped. Check DeliveryToS3.Success and the DeliveryErrors log group.", p.StreamName)},
		{"Throttled", metric("ThrottledRecords", "Sum"), 0, gt, 2, quiet,
			fmt.Sprintf("Firehose %s throttles its producers for 10 minutes: the log shippers retry from their node buffers, which fill. Raise the stream's throughput quota in Service Quotas (Amazon Data Firehose).", p.StreamName)},
	}
	if p.Continuous {
		specs = append(specs, alarmSpec{"Silent", metric("IncomingRecords", "Sum"), 1, lt, 3, awscloudwatch.TreatMissingData_BREACHING,
			fmt.Sprintf("Firehose %s has received nothing for 15 minutes: the log shippers (Fluent Bit, in the amazon-cloudwatch-observability add-on) stopped or may not write. kubectl -n amazon-cloudwatch get pods and the fluent-bit pods' logs; the add-on's health in the EKS console.", p.StreamName)})
	}
	return newAlarmSet(scope, id, p.Action, specs)
}
