package envs

import (
	"slices"
	"testing"
)

// TestEffectiveLogAlarms: every logging service pages on ERROR lines unless
// config overrides that alarm, and added alarms on other levels keep the
// default ERROR alarm.
func TestEffectiveLogAlarms(t *testing.T) {
	services := []string{"catalog", "checkout"}
	for _, tc := range []struct {
		name   string
		levels []LogLevel
		alarms []LogAlarm
		want   []LogAlarm
	}{
		{"defaults only", nil, nil, []LogAlarm{
			{Service: "catalog", Level: "ERROR", MaxPerFiveMinutes: 10},
			{Service: "checkout", Level: "ERROR", MaxPerFiveMinutes: 10},
		}},
		{"override replaces the default", nil, []LogAlarm{{Service: "checkout", Level: "ERROR", MaxPerFiveMinutes: 3}}, []LogAlarm{
			{Service: "catalog", Level: "ERROR", MaxPerFiveMinutes: 10},
			{Service: "checkout", Level: "ERROR", MaxPerFiveMinutes: 3},
		}},
		{"another level adds", nil, []LogAlarm{{Service: "checkout", Level: "FATAL", MaxPerFiveMinutes: 0}}, []LogAlarm{
			{Service: "catalog", Level: "ERROR", MaxPerFiveMinutes: 10},
			{Service: "checkout", Level: "ERROR", MaxPerFiveMinutes: 10},
			{Service: "checkout", Level: "FATAL", MaxPerFiveMinutes: 0},
		}},
		// No ERROR lines reach CloudWatch Logs: a default ERROR alarm would
		// watch a metric that never exists.
		{"ERROR not copied", []LogLevel{"FATAL"}, []LogAlarm{{Service: "checkout", Level: "FATAL", MaxPerFiveMinutes: 0}}, []LogAlarm{
			{Service: "checkout", Level: "FATAL", MaxPerFiveMinutes: 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			levels := tc.levels
			if levels == nil {
				levels = []LogLevel{"ERROR", "FATAL"}
			}
			m := Monitoring{AlertingLogs: AlertingLogs{Levels: levels, MaxErrorsPerFiveMinutes: 10, Alarms: tc.alarms}}
			if got := m.EffectiveLogAlarms(services); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
