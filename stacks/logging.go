package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/ecplatform/eks-platform/constructs/audit"
	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/spec"
)

// LoggingStack is <env>-logging: the log archive, the Firehose streams into
// it (the services' database audit logs among them), the Athena catalog
// over it, and the CloudTrail audit trail.
type LoggingStack struct {
	awscdk.Stack
	Archive *logging.LogArchive
	// AppLogs is the <env>-app-logs stream every container line goes to.
	AppLogs *logging.LogDeliveryStream
	// NodeLogs is the <env>-node-logs stream of kubelet, container
	// runtime, kernel and system lines.
	NodeLogs *logging.LogDeliveryStream
	// WafLogs is the aws-waf-logs-<env> stream every web ACL logs to.
	WafLogs *logging.LogDeliveryStream
	// DbAuditLogs is the <env>-db-audit-logs stream the services'
	// databases' PostgreSQL logs are copied to, into the audit store.
	DbAuditLogs *logging.LogDeliveryStream
	// NodeSessionLogs is the <env>-node-session-logs stream the Session
	// Manager sessions on the nodes are copied to, into the audit store;
	// NodeSessions the account's Session Manager preferences, their key
	// and log group. Both nil when logging.nodeSessionLogs is off.
	NodeSessionLogs *logging.LogDeliveryStream
	NodeSessions    *audit.NodeSessionLogs
	Catalog         *logging.LogQueryCatalog
	// Alerting is the CloudWatch Logs group every cluster's log shipper
	// copies alerting lines to, counted per cluster and service.
	Alerting *logging.AlertingLogGroup
	// Falco counts the Falco events in Alerting; nil when the env runs no
	// Falco (security.falco.enabled).
	Falco *logging.FalcoAlerts
	Trail *audit.Trail
}

// NewLoggingStack maps cfg.Logging to the logging and audit constructs.
func NewLoggingStack(stage awscdk.Stage, cfg *envs.Config) *LoggingStack {
	s := &LoggingStack{Stack: newStack(stage, cfg, "logging", "log archive, Firehose to S3, Athena, CloudTrail")}
	l := cfg.Logging
	s.Archive = logging.NewLogArchive(s.Stack, "Archive", logging.LogArchiveProps{
		InfrequentAccessAfterDays: l.Archive.InfrequentAccessAfterDays,
		GlacierAfterDays:          l.Archive.GlacierAfterDays,
		ExpireAfterDays:           l.Archive.ExpireAfterDays,
		AuditLock:                 objectLocks[l.Archive.AuditLock],
		AccessLogBucketName:       AccessLogBucketName(cfg),
		RemovalPolicy:             removalPolicy(cfg),
	})
	s.AppLogs = logging.NewLogDeliveryStream(s.Stack, "AppLogs", logging.LogDeliveryStreamProps{
		Name:  cfg.Name + "-app-logs",
		Store: s.Archive.App,
		Layout: logging.Layout{Root: "logs/app/", Keys: []logging.PartitionKey{
			// Injected: any namespace is a partition, none is listed.
			{Name: "service", RecordField: logging.FieldService},
			{Name: "dt"},
		}},
		BufferIntervalSeconds: l.BufferIntervalSeconds,
		BufferSizeMiB:         l.BufferSizeMiB,
		RecordsEndWithNewline: true,
		RemovalPolicy:         removalPolicy(cfg),
	})
	s.NodeLogs = logging.NewLogDeliveryStream(s.Stack, "NodeLogs", logging.LogDeliveryStreamProps{
		Name:  cfg.Name + "-node-logs",
		Store: s.Archive.App,
		Layout: logging.Layout{Root: "logs/node/", Keys: []logging.PartitionKey{
			{Name: "source", RecordField: logging.FieldSource, Values: logging.NodeLogSources},
			{Name: "dt"},
		}},
		BufferIntervalSeconds: l.BufferIntervalSeconds,
		BufferSizeMiB:         l.BufferSizeMiB,
		RecordsEndWithNewline: true,
		RemovalPolicy:         removalPolicy(cfg),
	})
	s.WafLogs = logging.NewLogDeliveryStream(s.Stack, "WafLogs", logging.LogDeliveryStreamProps{
		Name:                  "aws-waf-logs-" + cfg.Name,
		Store:                 s.Archive.Audit,
		Layout:                logging.Layout{Root: "waf/", Keys: []logging.PartitionKey{{Name: "dt"}}},
		BufferIntervalSeconds: l.BufferIntervalSeconds,
		BufferSizeMiB:         l.BufferSizeMiB,
		RemovalPolicy:         removalPolicy(cfg),
	})
	s.DbAuditLogs = logging.NewLogDeliveryStream(s.Stack, "DbAuditLogs", logging.LogDeliveryStreamProps{
		Name:                  cfg.Name + "-db-audit-logs",
		Store:                 s.Archive.Audit,
		Layout:                logging.Layout{Root: "db-audit/", Keys: []logging.PartitionKey{{Name: "dt"}}},
		BufferIntervalSeconds: l.BufferIntervalSeconds,
		BufferSizeMiB:         l.BufferSizeMiB,
		FromCloudWatchLogs:    true,
		RemovalPolicy:         removalPolicy(cfg),
	})
	tables := []logging.Table{
		{Name: logging.AppLogsTable, Stream: s.AppLogs, Columns: logging.AppLogColumns},
		{Name: logging.NodeLogsTable, Stream: s.NodeLogs, Columns: logging.NodeLogColumns},
		{Name: logging.WafLogsTable, Stream: s.WafLogs, Columns: logging.WafLogColumns},
		{Name: logging.DbAuditLogsTable, Stream: s.DbAuditLogs, Columns: logging.DbAuditLogColumns},
		// Falco's events, as the log shippers archive them: the app log
		// stream's partition of the falco namespace. Kept when Falco is
		// turned off: the archive keeps the events.
		{Name: logging.FalcoEventsTable, Stream: s.AppLogs, Columns: logging.FalcoEventColumns,
			Within: &logging.Partition{Key: "service", Value: spec.FalcoNamespace}},
	}
	if l.NodeSessionLogs.Enabled {
		// A stream of its own rather than the database audit stream's: a
		// Glue table reads one prefix in one format, and the stream's
		// role, alarms and prefix then name sessions alone. Firehose
		// charges by volume, not by stream.
		s.NodeSessionLogs = logging.NewLogDeliveryStream(s.Stack, "NodeSessionLogs", logging.LogDeliveryStreamProps{
			Name:                  cfg.Name + "-node-session-logs",
			Store:                 s.Archive.Audit,
			Layout:                logging.Layout{Root: "node-sessions/", Keys: []logging.PartitionKey{{Name: "dt"}}},
			BufferIntervalSeconds: l.BufferIntervalSeconds,
			BufferSizeMiB:         l.BufferSizeMiB,
			FromCloudWatchLogs:    true,
			RemovalPolicy:         removalPolicy(cfg),
		})
		s.NodeSessions = audit.NewNodeSessionLogs(s.Stack, "NodeSessions", audit.NodeSessionLogsProps{
			LogGroupName:    NodeSessionLogGroup(cfg),
			RetentionDays:   l.NodeSessionLogs.RetentionDays,
			Archive:         s.NodeSessionLogs,
			KeyArnParameter: NodeSessionKeyParameter(cfg),
			RemovalPolicy:   removalPolicy(cfg),
		})
		tables = append(tables, logging.Table{Name: logging.NodeSessionLogsTable, Stream: s.NodeSessionLogs, Columns: logging.NodeSessionLogColumns})
	}
	s.Catalog = logging.NewLogQueryCatalog(s.Stack, "Catalog", logging.LogQueryCatalogProps{
		Database:              cfg.Name + "_logs",
		Archive:               s.Archive,
		WorkGroup:             cfg.Name + "-logs",
		BytesScannedCutoffGiB: l.AthenaBytesScannedCutoffGiB,
		Tables:                tables,
		RemovalPolicy:         removalPolicy(cfg),
	})
	s.Alerting = logging.NewAlertingLogGroup(s.Stack, "Alerting", logging.AlertingLogGroupProps{
		Name:          "/platform/" + cfg.Name + "/alerting",
		Key:           s.Archive.App.Key,
		Levels:        cfg.Monitoring.AlertingLogs.LevelNames(),
		RetentionDays: cfg.Monitoring.AlertingLogs.RetentionDays,
		RemovalPolicy: removalPolicy(cfg),
	})
	if f := cfg.Security.Falco; f.Enabled {
		s.Falco = logging.NewFalcoAlerts(s.Stack, "FalcoEvents", logging.FalcoAlertsProps{
			Alerting: s.Alerting, MinPriority: string(f.MinPriority),
		})
	}
	s.Trail = audit.NewTrail(s.Stack, "Trail", audit.TrailProps{
		Bucket:        s.Archive.Audit.Bucket,
		Key:           s.Archive.Audit.Key,
		RemovalPolicy: removalPolicy(cfg),
	})
	return s
}

// NodeSessionLogGroup is the log group Session Manager streams the env's
// node sessions to: named, so that the cluster stacks grant their nodes
// this group without an import from <env>-logging.
func NodeSessionLogGroup(cfg *envs.Config) string { return "/platform/" + cfg.Name + "/node-sessions" }

// NodeSessionKeyParameter is the SSM parameter <env>-logging publishes the
// node sessions' key ARN under, for the cluster stacks' node roles.
func NodeSessionKeyParameter(cfg *envs.Config) string {
	return "/platform/" + cfg.Name + "/node-sessions/key-arn"
}

var objectLocks = map[envs.AuditLock]logging.ObjectLock{
	envs.AuditLockNone:       logging.ObjectLockNone,
	envs.AuditLockGovernance: logging.ObjectLockGovernance,
	envs.AuditLockCompliance: logging.ObjectLockCompliance,
}

// AccessLogBucketName is the env's access log bucket: named, so that the
// ALBs and buckets that log to it name it in their own stacks (AWS Control
// Tower's hooks read a literal name there, not an import), unique by
// account and region.
func AccessLogBucketName(cfg *envs.Config) string {
	return fmt.Sprintf("%s-access-logs-%s-%s", cfg.Name, cfg.Account, cfg.Region)
}
