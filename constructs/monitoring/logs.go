package monitoring

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
)

// LogLineAlarmProps configures a LogLineAlarm.
type LogLineAlarmProps struct {
	// Cluster, Service and Level say whose lines are counted, for the
	// description. Required.
	Cluster, Service, Level string
	// Metric counts those lines per 5 minutes (AlertingLogGroup.Metric). Required.
	Metric awscloudwatch.IMetric
	// LogGroupName is where the lines are read. Required.
	LogGroupName string
	// MaxPerFiveMinutes fires on more lines than this.
	// @default 0 (any line)
	MaxPerFiveMinutes int
	// Action is notified on alarm and on recovery. Required.
	Action awscloudwatch.IAlarmAction
}

// Validate reports every problem with the props.
func (p LogLineAlarmProps) Validate() error {
	var errs []error
	for _, f := range []struct {
		name  string
		unset bool
	}{
		{"cluster", p.Cluster == ""}, {"service", p.Service == ""}, {"level", p.Level == ""},
		{"metric", p.Metric == nil}, {"logGroupName", p.LogGroupName == ""}, {"action", p.Action == nil},
	} {
		if f.unset {
			errs = append(errs, fmt.Errorf("%s: required", f.name))
		}
	}
	if p.MaxPerFiveMinutes < 0 {
		errs = append(errs, fmt.Errorf("maxPerFiveMinutes: must be >= 0, got %d", p.MaxPerFiveMinutes))
	}
	return errors.Join(errs...)
}

// NewLogLineAlarm alarms when one service on one cluster logs more lines of
// a level than allowed in 5 minutes. No lines is no data, and no data is
// not an outage: the canaries and ALB alarms watch for silence.
func NewLogLineAlarm(scope constructs.Construct, id string, p LogLineAlarmProps) *AlarmSet {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	what := fmt.Sprintf("more than %d %s lines", p.MaxPerFiveMinutes, p.Level)
	if p.MaxPerFiveMinutes == 0 {
		what = "a " + p.Level + " line"
	}
	return newAlarmSet(scope, id, p.Action, []alarmSpec{{
		"Alarm", p.Metric, float64(p.MaxPerFiveMinutes), awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1, awscloudwatch.TreatMissingData_NOT_BREACHING,
		fmt.Sprintf("%s on %s logged %s in 5 minutes. Read them in CloudWatch Logs Insights on %s (filter cluster = '%s' and service = '%s'); the full log with the lines around them is in Athena (app_logs, service = '%s'). If it started with a release, roll it back or set its canary weight to 0.",
			p.Service, p.Cluster, what, p.LogGroupName, p.Cluster, p.Service, p.Service),
	}})
}

// FalcoAlarmProps configures a FalcoAlarm.
type FalcoAlarmProps struct {
	// Metric counts the Falco events in the alerting group per 5 minutes
	// (logging.FalcoAlerts.Metric). Required.
	Metric awscloudwatch.IMetric
	// LogGroupName is where the events are read. Required.
	LogGroupName string
	// MinPriority is the least severe priority counted, for the
	// description. Required.
	MinPriority string
	// EventsQuery and ShellsQuery name the saved Logs Insights and Athena
	// queries the description points to. Required.
	EventsQuery, ShellsQuery string
	// Action is notified on alarm and on recovery. Required.
	Action awscloudwatch.IAlarmAction
}

// Validate reports every problem with the props.
func (p FalcoAlarmProps) Validate() error {
	var errs []error
	for _, f := range []struct {
		name  string
		unset bool
	}{
		{"metric", p.Metric == nil}, {"logGroupName", p.LogGroupName == ""}, {"minPriority", p.MinPriority == ""},
		{"eventsQuery", p.EventsQuery == ""}, {"shellsQuery", p.ShellsQuery == ""}, {"action", p.Action == nil},
	} {
		if f.unset {
			errs = append(errs, fmt.Errorf("%s: required", f.name))
		}
	}
	return errors.Join(errs...)
}

// NewFalcoAlarm alarms on any Falco event at or above the env's minimum
// priority on any cluster: someone ran a shell in a container, read a
// credential file, dropped a binary. No events is no data, and no data is
// quiet.
func NewFalcoAlarm(scope constructs.Construct, id string, p FalcoAlarmProps) *AlarmSet {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	return newAlarmSet(scope, id, p.Action, []alarmSpec{{
		"Alarm", p.Metric, 0, awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD, 1, awscloudwatch.TreatMissingData_NOT_BREACHING,
		fmt.Sprintf("Falco saw activity at %s or above on a cluster node (a shell in a container, a read of a credential file, a dropped binary, ...). Read the events in CloudWatch Logs Insights: saved query %q on %s (the log stream names the cluster; output_fields name the pod, the user and the command). Who and why: a reviewed kubectl exec, or not? If not, treat it as an incident (docs/runbook.md, \"Falco alarm\"). Every event at every priority is in Athena: saved query %q and the falco_events table.",
			p.MinPriority, p.EventsQuery, p.LogGroupName, p.ShellsQuery),
	}})
}
