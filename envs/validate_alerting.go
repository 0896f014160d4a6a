package envs

import (
	"slices"
	"strconv"

	"github.com/ecplatform/eks-platform/spec"
)

// logRetentionDays are the retention periods CloudWatch Logs accepts.
var logRetentionDays = spec.RetentionDaysAccepted()

func validateAlertingLogs(a AlertingLogs, services []string, p *Path, errs *ErrorList) {
	levels := make([]string, len(LogLevels))
	for i, l := range LogLevels {
		levels[i] = string(l)
	}
	seenLevel := map[LogLevel]int{}
	for i, l := range a.Levels {
		lp := p.Child("levels").Index(i)
		if !slices.Contains(LogLevels, l) {
			errs.NotSupported(lp, l, levels)
		}
		if j, dup := seenLevel[l]; dup {
			errs.Add(lp, "%s is also levels[%d]: list each level once", l, j)
		}
		seenLevel[l] = i
	}
	if !slices.Contains(logRetentionDays, a.RetentionDays) {
		days := make([]string, len(logRetentionDays))
		for i, d := range logRetentionDays {
			days[i] = strconv.Itoa(d)
		}
		errs.NotSupported(p.Child("retentionDays"), a.RetentionDays, days)
	}
	if a.MaxErrorsPerFiveMinutes < 1 {
		errs.Add(p.Child("maxErrorsPerFiveMinutes"), "must be >= 1, got %d", a.MaxErrorsPerFiveMinutes)
	}
	seen := map[LogAlarm]int{}
	for i, al := range a.Alarms {
		ap := p.Child("alarms").Index(i)
		if !slices.Contains(services, al.Service) {
			errs.Add(ap.Child("service"), "%q is not a service of the catalog (services:) or logging.services %v: alarms are kept in the stack of a known service; add it to one of them first", al.Service, services)
		}
		if !slices.Contains(a.Levels, al.Level) {
			errs.Add(ap.Child("level"), "%s is not copied to CloudWatch Logs (alertingLogs.levels is %v): add it to levels or alarm on one of those", al.Level, a.Levels)
		}
		if al.MaxPerFiveMinutes < 0 {
			errs.Add(ap.Child("maxPerFiveMinutes"), "must be >= 0 (0 fires on any line), got %d", al.MaxPerFiveMinutes)
		}
		key := LogAlarm{Service: al.Service, Level: al.Level}
		if j, dup := seen[key]; dup {
			errs.Add(ap, "%s %s is also alarms[%d]: one alarm per service and level", al.Service, al.Level, j)
		}
		seen[key] = i
	}
}
