package envs

// Logging is where the env's logs go: the archive's lifecycle, the services
// whose application logs are partitioned, and the query limits.
type Logging struct {
	// Archive is the log archive's lifecycle.
	Archive Archive `json:"archive,omitempty"`
	// Services are namespaces outside the catalog (services:) that may
	// have log line alarms (monitoring.alertingLogs.alarms): the API
	// gateway's, an adapter of the monolith. Every namespace's lines are
	// archived and partitioned by namespace without being listed.
	Services []string `json:"services,omitempty"`
	// BufferIntervalSeconds and BufferSizeMiB trade log latency for fewer,
	// larger objects. @default 300 and 64
	BufferIntervalSeconds int `json:"bufferIntervalSeconds,omitempty" jsonschema:"minimum=60,maximum=900"`
	BufferSizeMiB         int `json:"bufferSizeMiB,omitempty" jsonschema:"minimum=64,maximum=128"`
	// AthenaBytesScannedCutoffGiB cancels a query that scans more. @default 100
	AthenaBytesScannedCutoffGiB int `json:"athenaBytesScannedCutoffGiB,omitempty" jsonschema:"minimum=1"`
	// NodeSessionLogs is Session Manager on the nodes, with every session
	// and its commands logged (docs/runbook.md, "Node sessions").
	NodeSessionLogs NodeSessionLogs `json:"nodeSessionLogs,omitempty"`
}

// NodeSessionLogs is Session Manager on the EC2 nodes: the nodes are
// managed instances, and the account's Session Manager preferences (the
// SSM-SessionManagerRunShell document, one per account and region) stream
// every session, KMS-encrypted, to a CloudWatch Logs group, copied from
// there to the audit store.
type NodeSessionLogs struct {
	// Enabled makes the nodes reachable through Session Manager and logs
	// every session. Off, the nodes are not managed instances (no shell
	// through AWS at all) and the env does not own the account's Session
	// Manager preferences. @default true
	Enabled bool `json:"enabled" jsonschema:"default=true"`
	// RetentionDays keeps sessions in CloudWatch Logs (a CloudWatch Logs
	// retention value; at least 365 in an env with termination
	// protection); the audit store keeps them for
	// logging.archive.expireAfterDays. @default 365
	RetentionDays int `json:"retentionDays,omitempty"`
}

// Archive is the log archive's lifecycle in days.
type Archive struct {
	// InfrequentAccessAfterDays moves logs to Standard-IA. @default 30
	InfrequentAccessAfterDays int `json:"infrequentAccessAfterDays,omitempty" jsonschema:"minimum=30"`
	// GlacierAfterDays moves logs to Glacier Instant Retrieval. @default 90
	GlacierAfterDays int `json:"glacierAfterDays,omitempty"`
	// ExpireAfterDays deletes logs; audit logs (CloudTrail, VPC flow logs,
	// WAF) are locked this long when AuditLock is set. @default 400
	ExpireAfterDays int `json:"expireAfterDays,omitempty"`
	// AuditLock is the S3 Object Lock mode of the audit store: none,
	// governance (a role allowed s3:BypassGovernanceRetention can still
	// delete) or compliance (nobody can, root included, until
	// expireAfterDays have passed). An env with termination protection
	// takes compliance (PCI DSS 10.5). @default none
	AuditLock AuditLock `json:"auditLock,omitempty" jsonschema:"enum=none,enum=governance,enum=compliance"`
}

// AuditLock is an S3 Object Lock mode for the audit logs.
type AuditLock string

// The audit lock modes.
const (
	AuditLockNone       AuditLock = "none"
	AuditLockGovernance AuditLock = "governance"
	AuditLockCompliance AuditLock = "compliance"
)
