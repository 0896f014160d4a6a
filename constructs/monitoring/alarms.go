package monitoring

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
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

func addAlarms(scope constructs.Construct, action awscloudwatch.IAlarmAction, specs []alarmSpec) []awscloudwatch.Alarm {
	var out []awscloudwatch.Alarm
	for _, s := range specs {
		a := awscloudwatch.NewAlarm(scope, jsii.String(s.id), &awscloudwatch.AlarmProps{
			Metric:             s.metric,
			Threshold:          jsii.Number(s.threshold),
			ComparisonOperator: s.op,
			EvaluationPeriods:  jsii.Number(s.periods),
			TreatMissingData:   s.missing,
			AlarmDescription:   jsii.String(s.description),
		})
		a.AddAlarmAction(action)
		a.AddOkAction(action)
		out = append(out, a)
	}
	return out
}

var fiveMinutes = awscdk.Duration_Minutes(jsii.Number(5))

// AlbAlarmsProps configures AlbAlarms.
type AlbAlarmsProps struct {
	// Name says which endpoint, e.g. "prd blue external". Required.
	Name         string
	LoadBalancer elbv2.ApplicationLoadBalancer
	TargetGroups []elbv2.ApplicationTargetGroup
	Action       awscloudwatch.IAlarmAction
	// Max5xxPerFiveMinutes fires on more 5xx than this. @default 25
	Max5xxPerFiveMinutes int
}

// NewAlbAlarms alarms on a load balancer's own 5xx (no healthy target, or
// the ALB failing) and, per target group, on the API gateway's 5xx and on
// unhealthy targets.
func NewAlbAlarms(scope constructs.Construct, id string, p AlbAlarmsProps) []awscloudwatch.Alarm {
	if p.Max5xxPerFiveMinutes == 0 {
		p.Max5xxPerFiveMinutes = 25
	}
	if p.Name == "" || p.LoadBalancer == nil || p.Action == nil {
		panic(fmt.Errorf("%s/%s: name, loadBalancer and action: required", *scope.Node().Path(), id))
	}
	self := constructs.NewConstruct(scope, &id)
	sum := &awscloudwatch.MetricOptions{Period: fiveMinutes, Statistic: jsii.String("Sum")}
	specs := []alarmSpec{{
		"Elb5xx", p.LoadBalancer.Metrics().HttpCodeElb(elbv2.HttpCodeElb_ELB_5XX_COUNT, sum), float64(p.Max5xxPerFiveMinutes),
		awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1, awscloudwatch.TreatMissingData_NOT_BREACHING,
		fmt.Sprintf("%s ALB returns 5xx itself: usually no healthy API gateway pod behind it. Check the target groups' healthy hosts, the api-gateway pods (kubectl -n api-gateway get pods) and the TargetGroupBindings.", p.Name),
	}}
	for i, tg := range p.TargetGroups {
		specs = append(specs,
			alarmSpec{fmt.Sprintf("Target5xx%d", i), tg.Metrics().HttpCodeTarget(elbv2.HttpCodeTarget_TARGET_5XX_COUNT, sum), float64(p.Max5xxPerFiveMinutes),
				awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1, awscloudwatch.TreatMissingData_NOT_BREACHING,
				fmt.Sprintf("%s: the API gateway (target group %d) answers 5xx. Query \"errors per service, last hour\" in Athena and the api-gateway logs in CloudWatch Logs; if it started with a canary release, set edge.targetWeights.canary to 0.", p.Name, i)},
			alarmSpec{fmt.Sprintf("Unhealthy%d", i), tg.Metrics().UnhealthyHostCount(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum")}), 0,
				awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 3, awscloudwatch.TreatMissingData_NOT_BREACHING,
				fmt.Sprintf("%s: API gateway pods fail the ALB health check (target group %d) for 3 minutes. Check pod readiness and /healthz, node group health, and recent rollouts.", p.Name, i)},
		)
	}
	return addAlarms(self, p.Action, specs)
}

// NewWafAlarms alarms when a web ACL blocks far more than usual: an attack
// or a rule suddenly blocking customers.
func NewWafAlarms(scope constructs.Construct, id string, webAclName string, maxBlockedPerFiveMinutes int, action awscloudwatch.IAlarmAction) []awscloudwatch.Alarm {
	self := constructs.NewConstruct(scope, &id)
	blocked := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String("AWS/WAFV2"),
		MetricName: jsii.String("BlockedRequests"),
		DimensionsMap: &map[string]*string{
			"WebACL": jsii.String(webAclName), "Region": awscdk.Stack_Of(self).Region(), "Rule": jsii.String("ALL"),
		},
		Period:    fiveMinutes,
		Statistic: jsii.String("Sum"),
	})
	return addAlarms(self, action, []alarmSpec{{
		"BlockedSpike", blocked, float64(maxBlockedPerFiveMinutes), awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 2, awscloudwatch.TreatMissingData_NOT_BREACHING,
		fmt.Sprintf("WAF %s blocks over %d requests per 5 minutes: an attack, or a rule blocking real customers. Run the Athena query \"WAF blocks by rule and client IP\" to tell which.", webAclName, maxBlockedPerFiveMinutes),
	}})
}

// NewFirehoseAlarms alarms when a log stream stops delivering to S3: logs
// would be missing from Athena and, past 24 hours, lost.
func NewFirehoseAlarms(scope constructs.Construct, id string, streamName string, action awscloudwatch.IAlarmAction) []awscloudwatch.Alarm {
	self := constructs.NewConstruct(scope, &id)
	metric := func(name, stat string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/Firehose"), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"DeliveryStreamName": jsii.String(streamName)},
			Period:        fiveMinutes, Statistic: jsii.String(stat),
		})
	}
	return addAlarms(self, action, []alarmSpec{
		{"DeliveryFailing", metric("DeliveryToS3.Success", "Average"), 1, awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD, 3, awscloudwatch.TreatMissingData_NOT_BREACHING,
			fmt.Sprintf("Firehose %s fails to write to the log archive. Read its DeliveryErrors log group; usually the role, the KMS key or the bucket policy.", streamName)},
		{"DataStale", metric("DeliveryToS3.DataFreshness", "Maximum"), 900, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 3, awscloudwatch.TreatMissingData_NOT_BREACHING,
			fmt.Sprintf("Firehose %s holds records older than 15 minutes: delivery is behind; records older than 24 hours are dropped. Check DeliveryToS3.Success and the DeliveryErrors log group.", streamName)},
	})
}
