package envs

import (
	"slices"

	"github.com/ecplatform/eks-platform/spec"
)

// Monitoring is how the on-call engineer learns of an outage first.
type Monitoring struct {
	// Slack is the channel every alarm goes to, through AWS Chatbot (the
	// workspace is authorized in the Chatbot console once per account).
	Slack Slack `json:"slack"`
	// CanaryEveryMinutes is how often each endpoint is checked. @default 5
	CanaryEveryMinutes int `json:"canaryEveryMinutes,omitempty" jsonschema:"minimum=1,maximum=60"`
	// Max5xxPerFiveMinutes alarms on more ALB or API gateway 5xx. @default 25
	Max5xxPerFiveMinutes int `json:"max5xxPerFiveMinutes,omitempty" jsonschema:"minimum=1"`
	// MaxWafBlockedPerFiveMinutes alarms on a spike of WAF blocks. @default 1000
	MaxWafBlockedPerFiveMinutes int `json:"maxWafBlockedPerFiveMinutes,omitempty" jsonschema:"minimum=1"`
	// MaxNodeUtilizationPercent alarms when a cluster's nodes average more
	// CPU or memory than this for 15 minutes: the node groups need room.
	// @default 80
	MaxNodeUtilizationPercent int `json:"maxNodeUtilizationPercent,omitempty" jsonschema:"minimum=1,maximum=100"`
	// AlertingLogs are the log lines copied to CloudWatch Logs to alarm on;
	// every line also goes to the archive through Firehose.
	AlertingLogs AlertingLogs `json:"alertingLogs,omitempty"`
	// PerformanceLogRetentionDays keeps Container Insights' raw
	// performance events (its metrics are kept by CloudWatch anyway), a
	// CloudWatch Logs retention value. At least 365 in an env with
	// termination protection. @default 7
	PerformanceLogRetentionDays int `json:"performanceLogRetentionDays,omitempty"`
}

// Slack is a Slack channel by its ids.
type Slack struct {
	WorkspaceID string `json:"workspaceId" jsonschema:"pattern=^[0-9A-Z]{1\\,255}$"`
	ChannelID   string `json:"channelId" jsonschema:"pattern=^[A-Za-z0-9]{1\\,255}$"`
}

// LogLevel is a structured log line's "level" field. The shipper matches
// it in upper or lower case (ERROR and error).
type LogLevel string

// LogLevels are the levels that may alert, most severe last: the ones the
// alerting log group counts.
var LogLevels = func() []LogLevel {
	out := make([]LogLevel, len(spec.Levels))
	for i, l := range spec.Levels {
		out[i] = LogLevel(l)
	}
	return out
}()

// AlertingLogs is what each cluster's log shipper copies to CloudWatch Logs
// and which counts of it page the on-call.
type AlertingLogs struct {
	// Levels are the levels copied to CloudWatch Logs and counted per
	// cluster and service. @default [ERROR, FATAL]
	Levels []LogLevel `json:"levels,omitempty" jsonschema:"enum=WARN,enum=ERROR,enum=FATAL"`
	// RetentionDays keeps alerting lines in CloudWatch Logs (a CloudWatch
	// Logs retention value); the archive keeps them longer. @default 90
	RetentionDays int `json:"retentionDays,omitempty"`
	// MaxErrorsPerFiveMinutes is every logging service's ERROR alarm: it
	// fires on more ERROR lines than this in 5 minutes. @default 10
	MaxErrorsPerFiveMinutes int `json:"maxErrorsPerFiveMinutes,omitempty" jsonschema:"minimum=1"`
	// Alarms override a service's ERROR alarm or add alarms on other levels.
	Alarms []LogAlarm `json:"alarms,omitempty"`
}

// LevelNames are Levels as the constructs take them.
func (a AlertingLogs) LevelNames() []string {
	out := make([]string, len(a.Levels))
	for i, l := range a.Levels {
		out[i] = string(l)
	}
	return out
}

// LogAlarm alarms when a service logs more lines of a level than allowed.
type LogAlarm struct {
	// Service is one of logging.services.
	Service string `json:"service"`
	// Level is one of alertingLogs.levels. @default ERROR
	Level LogLevel `json:"level,omitempty" jsonschema:"enum=WARN,enum=ERROR,enum=FATAL"`
	// MaxPerFiveMinutes fires on more lines than this in 5 minutes; 0
	// fires on any.
	MaxPerFiveMinutes int `json:"maxPerFiveMinutes" jsonschema:"minimum=0"`
}

// EffectiveLogAlarms is every log alarm the env gets: each logging service's
// ERROR alarm at MaxErrorsPerFiveMinutes unless overridden (or ERROR lines
// are not copied to CloudWatch Logs at all), then the configured ones, in
// config order.
func (m Monitoring) EffectiveLogAlarms(services []string) []LogAlarm {
	overridden := map[string]bool{}
	if !slices.Contains(m.AlertingLogs.Levels, "ERROR") {
		for _, s := range services {
			overridden[s] = true
		}
	}
	for _, a := range m.AlertingLogs.Alarms {
		if a.Level == "ERROR" {
			overridden[a.Service] = true
		}
	}
	var out []LogAlarm
	for _, s := range services {
		if !overridden[s] {
			out = append(out, LogAlarm{Service: s, Level: "ERROR", MaxPerFiveMinutes: m.AlertingLogs.MaxErrorsPerFiveMinutes})
		}
	}
	return append(out, m.AlertingLogs.Alarms...)
}
