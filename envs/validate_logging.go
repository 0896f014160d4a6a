package envs

import (
	"fmt"
	"slices"

	"github.com/ecplatform/eks-platform/spec"
)

// validateLogging checks the logging section: the archive, the services
// whose logs it partitions, the streams and node sessions.
func validateLogging(c *Config, p *Path, errs *ErrorList) {
	l := c.Logging
	a, ap := l.Archive, p.Child("archive")
	switch a.AuditLock {
	case AuditLockNone, AuditLockGovernance, AuditLockCompliance:
	default:
		errs.NotSupported(ap.Child("auditLock"), a.AuditLock, []string{string(AuditLockNone), string(AuditLockGovernance), string(AuditLockCompliance)})
	}
	if c.Protection.TerminationProtection {
		// PCI DSS 10.5 and 10.7: audit logs no one can alter, kept a year.
		if a.AuditLock != AuditLockCompliance {
			errs.Add(ap.Child("auditLock"), "must be compliance in an env with termination protection (production): the audit logs must be safe from every deletion, the deploy path's included, got %s", a.AuditLock)
		}
		if a.ExpireAfterDays < 365 {
			errs.Add(ap.Child("expireAfterDays"), "must be >= 365 in an env with termination protection: audit logs are kept a year, got %d", a.ExpireAfterDays)
		}
	}
	if a.InfrequentAccessAfterDays < 30 {
		errs.Add(ap.Child("infrequentAccessAfterDays"), "S3 moves objects to Standard-IA after 30 days at the earliest, got %d", a.InfrequentAccessAfterDays)
	}
	if a.GlacierAfterDays < a.InfrequentAccessAfterDays+30 {
		errs.Add(ap.Child("glacierAfterDays"), "must be >= infrequentAccessAfterDays + 30 (%d): S3 bills Standard-IA for 30 days, got %d", a.InfrequentAccessAfterDays+30, a.GlacierAfterDays)
	}
	if a.ExpireAfterDays <= a.GlacierAfterDays {
		errs.Add(ap.Child("expireAfterDays"), "must be > glacierAfterDays (%d), got %d", a.GlacierAfterDays, a.ExpireAfterDays)
	}
	if len(c.LoggingServices()) == 0 {
		errs.Required(p.Child("services"), "the services whose logs are partitioned, e.g. [api-gateway], or a service catalog (services:)")
	}
	seen := map[string]int{}
	catalog := map[string]bool{}
	for _, s := range c.Services {
		catalog[s.Name] = true
	}
	for i, s := range l.Services {
		sp := p.Child("services").Index(i)
		if !spec.IsDNSLabel(s) {
			errs.Invalid(sp, fmt.Sprintf("%q", s), "must be the service's Kubernetes namespace: a DNS label (lowercase letters, digits and -, starting and ending with a letter or digit, at most 63)")
		}
		if reservedNamespace(s) {
			errs.Add(sp, "%q is a namespace the cluster or the platform owns, not a service's: its lines never raise a service's log alarm; remove it here", s)
		}
		if catalog[s] {
			errs.Add(sp, "%q is in the service catalog (services:), whose services are partitioned already: remove it here", s)
		}
		if j, dup := seen[s]; dup {
			errs.Add(sp, "%q is also services[%d]: list each service once", s, j)
		}
		seen[s] = i
	}
	if l.BufferIntervalSeconds < 60 || l.BufferIntervalSeconds > 900 {
		errs.Add(p.Child("bufferIntervalSeconds"), "Firehose buffers 60 to 900 seconds, got %d", l.BufferIntervalSeconds)
	}
	if l.BufferSizeMiB < 64 || l.BufferSizeMiB > 128 {
		errs.Add(p.Child("bufferSizeMiB"), "must be 64 to 128 (dynamic partitioning needs at least 64), got %d", l.BufferSizeMiB)
	}
	if l.AthenaBytesScannedCutoffGiB < 1 {
		errs.Add(p.Child("athenaBytesScannedCutoffGiB"), "must be >= 1, got %d", l.AthenaBytesScannedCutoffGiB)
	}
	if s := l.NodeSessionLogs; s.Enabled {
		sp := p.Child("nodeSessionLogs").Child("retentionDays")
		switch {
		case !slices.Contains(logRetentionDays, s.RetentionDays):
			days := make([]string, len(logRetentionDays))
			for i, d := range logRetentionDays {
				days[i] = fmt.Sprint(d)
			}
			errs.NotSupported(sp, s.RetentionDays, days)
		case c.Protection.TerminationProtection && s.RetentionDays < MinProductionLogRetentionDays:
			errs.Add(sp, "must be >= %d in an env with termination protection: AWS Control Tower (CT.CLOUDWATCH.PR.2) refuses a log group kept less than a year, and node sessions are audit records, got %d", MinProductionLogRetentionDays, s.RetentionDays)
		}
	}
}

func validateLogRetention(c *Config, p *Path, errs *ErrorList) {
	m := c.Monitoring
	if !slices.Contains(logRetentionDays, m.PerformanceLogRetentionDays) {
		days := make([]string, len(logRetentionDays))
		for i, d := range logRetentionDays {
			days[i] = fmt.Sprint(d)
		}
		errs.NotSupported(p.Child("performanceLogRetentionDays"), m.PerformanceLogRetentionDays, days)
	}
	if !c.Protection.TerminationProtection {
		return
	}
	for _, f := range []struct {
		path *Path
		days int
	}{
		{p.Child("alertingLogs").Child("retentionDays"), m.AlertingLogs.RetentionDays},
		{p.Child("performanceLogRetentionDays"), m.PerformanceLogRetentionDays},
	} {
		if f.days < MinProductionLogRetentionDays {
			errs.Add(f.path, "must be >= %d in an env with termination protection: AWS Control Tower (CT.CLOUDWATCH.PR.2) refuses a log group kept less than a year, got %d", MinProductionLogRetentionDays, f.days)
		}
	}
}
