package spec

// Defaults a config takes for the fields it leaves out, and the constructs
// take for the same props left at zero: one value each, so that an env file
// without the field and a construct used on its own build the same thing.
const (
	// DefaultWafRateWindowSeconds is the window of the WAF's per-IP rate
	// limit (edge.waf.rateWindowSeconds).
	DefaultWafRateWindowSeconds = 300
	// DefaultMaxWeightStep lets a migration go 0, 50, 100 in two deploys
	// (edge.maxWeightStep).
	DefaultMaxWeightStep = 50

	// The archive's lifecycle (logging.archive): infrequent access after a
	// month, Glacier after a quarter, expiry after 400 days (PCI DSS 10.7:
	// a year of audit history, with margin).
	DefaultArchiveInfrequentAccessAfterDays = 30
	DefaultArchiveGlacierAfterDays          = 90
	DefaultArchiveExpireAfterDays           = 400

	// DefaultFirehoseBufferIntervalSeconds and DefaultFirehoseBufferSizeMiB
	// are the log streams' buffers (logging.bufferIntervalSeconds,
	// bufferSizeMiB): 64 MiB is the least dynamic partitioning takes.
	DefaultFirehoseBufferIntervalSeconds = 300
	DefaultFirehoseBufferSizeMiB         = 64
	// DefaultAthenaBytesScannedCutoffGiB stops a query that would scan
	// more (logging.athenaBytesScannedCutoffGiB).
	DefaultAthenaBytesScannedCutoffGiB = 100
	// DefaultNodeSessionLogRetentionDays keeps node sessions a year in
	// CloudWatch Logs in every env: what production needs (Control Tower
	// CT.CLOUDWATCH.PR.2), and sessions are few and small.
	DefaultNodeSessionLogRetentionDays = 365

	// DefaultCanaryEveryMinutes is how often the canaries probe the API
	// (monitoring.canaryEveryMinutes).
	DefaultCanaryEveryMinutes = 5
	// DefaultMax5xxPerFiveMinutes fires an ALB alarm
	// (monitoring.max5xxPerFiveMinutes).
	DefaultMax5xxPerFiveMinutes = 25
	// DefaultMaxWafBlockedPerFiveMinutes fires the WAF's blocked-requests
	// alarm (monitoring.maxWafBlockedPerFiveMinutes).
	DefaultMaxWafBlockedPerFiveMinutes = 1000
	// DefaultMaxNodeUtilizationPercent fires the node CPU and memory alarms
	// (monitoring.maxNodeUtilizationPercent).
	DefaultMaxNodeUtilizationPercent = 80
	// DefaultAlertingLogRetentionDays keeps the alerting log group
	// (monitoring.alertingLogs.retentionDays).
	DefaultAlertingLogRetentionDays = 90
	// DefaultPerformanceLogRetentionDays keeps Container Insights' raw
	// performance events (monitoring.performanceLogRetentionDays).
	DefaultPerformanceLogRetentionDays = 7
	// DefaultMaxErrorsPerFiveMinutes fires a service's ERROR line alarm
	// (monitoring.alertingLogs.maxErrorsPerFiveMinutes).
	DefaultMaxErrorsPerFiveMinutes = 10
)
