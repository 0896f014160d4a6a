package monitoring

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/logging"
)

// AuroraAlarmsProps configures AuroraAlarms.
type AuroraAlarmsProps struct {
	// Service owns the database; ClusterIdentifier is its DB cluster. Required.
	Service, ClusterIdentifier string
	// Serverless adds an alarm on capacity: a Serverless v2 cluster at its
	// maximum ACUs cannot grow further.
	Serverless bool
	// MaxCPUPercent fires above this average CPU over 15 minutes. @default 80
	MaxCPUPercent int
	// MaxConnections fires above this many open connections over 15
	// minutes: a connection leak, or pods scaled past what the database
	// was sized for. @default 400
	MaxConnections int
	// Action is notified on alarm and on recovery. Required.
	Action awscloudwatch.IAlarmAction
}

// Validate reports every problem with the props.
func (p AuroraAlarmsProps) Validate() error {
	var errs []error
	if p.Service == "" || p.ClusterIdentifier == "" {
		errs = append(errs, errors.New("service, clusterIdentifier: required"))
	}
	if p.MaxCPUPercent < 1 || p.MaxCPUPercent > 100 {
		errs = append(errs, fmt.Errorf("maxCpuPercent: must be 1 to 100, got %d", p.MaxCPUPercent))
	}
	if p.MaxConnections < 1 {
		errs = append(errs, fmt.Errorf("maxConnections: must be >= 1, got %d", p.MaxConnections))
	}
	if p.Action == nil {
		errs = append(errs, errors.New("action: required"))
	}
	return errors.Join(errs...)
}

// NewAuroraAlarms alarms on a service's Aurora cluster: CPU, connections
// and, for Serverless v2, capacity at its ceiling.
func NewAuroraAlarms(scope constructs.Construct, id string, p AuroraAlarmsProps) *AlarmSet {
	if p.MaxCPUPercent == 0 {
		p.MaxCPUPercent = 80
	}
	if p.MaxConnections == 0 {
		p.MaxConnections = 400
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	metric := func(name, stat string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/RDS"), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"DBClusterIdentifier": jsii.String(p.ClusterIdentifier)},
			Period:        fiveMinutes(), Statistic: jsii.String(stat),
		})
	}
	gt, quiet := awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, awscloudwatch.TreatMissingData_NOT_BREACHING
	specs := []alarmSpec{
		{"Cpu", metric("CPUUtilization", "Average"), float64(p.MaxCPUPercent), gt, 3, quiet,
			fmt.Sprintf("Aurora %s (service %s) is over %d%% CPU for 15 minutes. Performance Insights shows the top SQL; the Athena saved query %q the endpoints behind it.", p.ClusterIdentifier, p.Service, p.MaxCPUPercent, logging.ServiceQueryName(p.Service, logging.SlowestEndpointsQuery))},
		{"Connections", metric("DatabaseConnections", "Maximum"), float64(p.MaxConnections), gt, 3, quiet,
			fmt.Sprintf("Aurora %s (service %s) has over %d connections for 15 minutes: a pool leak or too many pods. Check the service's replicas and pool size.", p.ClusterIdentifier, p.Service, p.MaxConnections)},
	}
	if p.Serverless {
		specs = append(specs, alarmSpec{"CapacityCeiling", metric("ACUUtilization", "Average"), 90, gt, 3, quiet,
			fmt.Sprintf("Aurora Serverless v2 %s (service %s) runs at over 90%% of its maximum ACUs for 15 minutes: it cannot grow further. Raise dataStore.aurora.maxAcu.", p.ClusterIdentifier, p.Service)})
	}
	return newAlarmSet(scope, id, p.Action, specs)
}

// TableAlarmsProps configures TableAlarms.
type TableAlarmsProps struct {
	// Service owns the table; TableName is its name. Required.
	Service, TableName string
	// Action is notified on alarm and on recovery. Required.
	Action awscloudwatch.IAlarmAction
}

// NewTableAlarms alarms on a service's DynamoDB table: throttled requests
// (an on-demand table throttles past twice its previous peak, or on a hot
// partition) and DynamoDB's own errors.
func NewTableAlarms(scope constructs.Construct, id string, p TableAlarmsProps) *AlarmSet {
	if p.Service == "" || p.TableName == "" || p.Action == nil {
		panic(fmt.Errorf("%s/%s: service, tableName and action: required", *scope.Node().Path(), id))
	}
	metric := func(name string) awscloudwatch.Metric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/DynamoDB"), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"TableName": jsii.String(p.TableName)},
			Period:        fiveMinutes(), Statistic: jsii.String("Sum"),
		})
	}
	gt, quiet := awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, awscloudwatch.TreatMissingData_NOT_BREACHING
	return newAlarmSet(scope, id, p.Action, []alarmSpec{
		{"ReadThrottles", metric("ReadThrottleEvents"), 0, gt, 2, quiet,
			fmt.Sprintf("DynamoDB %s (service %s) throttles reads for 10 minutes: a hot partition key or a burst past twice the previous peak. CloudWatch Contributor Insights on the table shows the keys.", p.TableName, p.Service)},
		{"WriteThrottles", metric("WriteThrottleEvents"), 0, gt, 2, quiet,
			fmt.Sprintf("DynamoDB %s (service %s) throttles writes for 10 minutes: a hot partition key or a burst past twice the previous peak.", p.TableName, p.Service)},
		{"SystemErrors", metric("SystemErrors"), 0, gt, 2, quiet,
			fmt.Sprintf("DynamoDB %s (service %s) returns 5xx for 10 minutes. Check the AWS Health Dashboard; the service's SDK retries them.", p.TableName, p.Service)},
	})
}
