package logging

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// savedQuery is a query a team runs on day one. Each names the tables it
// reads, so it is only created when the catalog has them. None reads
// app_logs: its service partition is injected, so a query there names its
// service (NewServiceQueries); the errors of all services are counted by
// the alerting log group's Logs Insights query.
type savedQuery struct {
	id, name, description string
	tables                []string
	sql                   string // %[1]s is the database
}

// AppLogsTable, NodeLogsTable and WafLogsTable are the table names the
// saved queries read.
const (
	AppLogsTable  = "app_logs"
	NodeLogsTable = "node_logs"
	WafLogsTable  = "waf_logs"
	// DbAuditLogsTable holds the services' databases' PostgreSQL logs.
	DbAuditLogsTable = "db_audit_logs"
	// NodeSessionLogsTable holds the Session Manager sessions on the nodes.
	NodeSessionLogsTable = "node_session_logs"
)

// Names of saved queries that alarm texts and the runbook send the on-call
// to: one spelling, so that a text never names a query no stack holds.
const (
	// FalcoShellsQueryName is the saved query of the shells Falco saw
	// spawned in containers.
	FalcoShellsQueryName = "shell spawned in a container, last 24 hours"
	// NodeErrorsQueryName lists node error lines per cluster, node and unit.
	NodeErrorsQueryName = "node errors by node and unit, today"
	// WafBlocksQueryName lists which WAF rules block which clients.
	WafBlocksQueryName = "WAF blocks by rule and client IP, last 24 hours"
	// SlowestEndpointsQuery is a service's query of its slowest endpoints,
	// saved as ServiceQueryName(service, SlowestEndpointsQuery).
	SlowestEndpointsQuery = "slowest endpoints, today"
	// ServiceErrorsQuery is a service's query of its error lines.
	ServiceErrorsQuery = "errors, last 24 hours"
)

// ServiceQueryName is the name a service's saved query has in Athena.
func ServiceQueryName(service, query string) string { return service + ": " + query }

var savedQueries = []savedQuery{
	{"DbAuditStatements", "database audit statements, last 24 hours", "pgaudit lines of every service's Aurora database over the last day: who changed schema, roles or data, per DB cluster (statement text without bound values).", []string{DbAuditLogsTable}, `SELECT from_unixtime(e.timestamp / 1000) AS logged_at,
       regexp_extract(loggroup, '^/aws/rds/cluster/([^/]+)/postgresql$', 1) AS db_cluster,
       e.message
FROM "%[1]s"."db_audit_logs"
CROSS JOIN UNNEST(logevents) AS t(e)
WHERE dt >= date_format(current_date - interval '1' day, '%%Y-%%m-%%d')
  AND messagetype = 'DATA_MESSAGE'
  AND strpos(e.message, 'AUDIT:') > 0
ORDER BY logged_at DESC
LIMIT 1000`},
	{"NodeSessionCommands", "node sessions and their commands, last 24 hours", "Every Session Manager session on a node over the last day, oldest line first: who (the IAM principal that started it), on which instance, as which user, and what the terminal showed, the commands typed among it. One row per streamed record; a session is one sessionId.", []string{NodeSessionLogsTable}, `SELECT from_unixtime(e.timestamp / 1000) AS logged_at,
       coalesce(json_extract_scalar(e.message, '$.sessionId'), logstream) AS session_id,
       json_extract_scalar(e.message, '$.userIdentity.arn') AS started_by,
       json_extract_scalar(e.message, '$.target.id') AS instance_id,
       json_extract_scalar(e.message, '$.runAsUser') AS run_as,
       coalesce(array_join(try_cast(json_extract(e.message, '$.sessionData') AS array(varchar)), chr(10)), e.message) AS session_data
FROM "%[1]s"."node_session_logs"
CROSS JOIN UNNEST(logevents) AS t(e)
WHERE dt >= date_format(current_date - interval '1' day, '%%Y-%%m-%%d')
  AND messagetype = 'DATA_MESSAGE'
  AND from_unixtime(e.timestamp / 1000) > current_timestamp - interval '24' hour
ORDER BY session_id, logged_at
LIMIT 10000`},
	{"NodeErrorsToday", NodeErrorsQueryName, "kubelet, containerd, aws-node and kernel lines that report an error, per cluster, node and unit today: where to look when nodes of a new node group do not become Ready.", []string{NodeLogsTable}, `SELECT cluster, coalesce(hostname, host) AS node, coalesce(systemd_unit, ident, 'container') AS unit,
       count(*) AS lines, arbitrary(coalesce(message, log)) AS example
FROM "%[1]s"."node_logs"
WHERE dt = date_format(current_date, '%%Y-%%m-%%d')
  AND regexp_like(coalesce(message, log), '(?i)\b(error|failed|fatal)\b')
GROUP BY 1, 2, 3
ORDER BY lines DESC
LIMIT 100`},
	{"FalcoShellsInContainers", FalcoShellsQueryName, "Falco events of the shell rules (tagged shell: a terminal shell in a container, a shell run by an untrusted parent) over the last 24 hours, newest first, with the cluster, node, namespace, pod, user and command line: who ran what in which pod. Falco's partition of the archive holds every event at every priority.", []string{FalcoEventsTable}, `SELECT "time", cluster, hostname AS node, rule, priority,
       element_at(output_fields, 'k8s.ns.name') AS namespace,
       element_at(output_fields, 'k8s.pod.name') AS pod,
       element_at(output_fields, 'container.name') AS container,
       element_at(output_fields, 'user.name') AS user_name,
       element_at(output_fields, 'proc.cmdline') AS command,
       output
FROM "%[1]s"."falco_events"
WHERE dt >= date_format(current_date - interval '1' day, '%%Y-%%m-%%d')
  AND contains(tags, 'shell')
  AND from_iso8601_timestamp(log_time) > current_timestamp - interval '24' hour
ORDER BY "time" DESC
LIMIT 1000`},
	{"WafBlocksByRuleAndClient", WafBlocksQueryName, "Which WAF rules block which client IPs: tells an attack from a false positive.", []string{WafLogsTable}, `SELECT terminatingruleid AS rule, httprequest.clientip AS client_ip, httprequest.country AS country,
       count(*) AS blocked
FROM "%[1]s"."waf_logs"
WHERE dt >= date_format(current_date - interval '1' day, '%%Y-%%m-%%d')
  AND action = 'BLOCK'
GROUP BY terminatingruleid, httprequest.clientip, httprequest.country
ORDER BY blocked DESC
LIMIT 100`},
}

func (c *LogQueryCatalog) addSavedQueries(props LogQueryCatalogProps) {
	var have []string
	for _, t := range props.Tables {
		have = append(have, t.Name)
	}
	for _, q := range savedQueries {
		missing := false
		for _, t := range q.tables {
			missing = missing || !slices.Contains(have, t)
		}
		if missing {
			continue
		}
		nq := awsathena.NewCfnNamedQuery(c.Construct, jsii.String("Query"+q.id), &awsathena.CfnNamedQueryProps{
			Name:        jsii.String(q.name),
			Description: jsii.String(q.description),
			Database:    jsii.String(props.Database),
			WorkGroup:   c.WorkGroup.Ref(),
			QueryString: jsii.String(fmt.Sprintf(q.sql, props.Database)),
		})
		nq.Node().AddDependency(c.WorkGroup)
		for _, t := range q.tables {
			nq.Node().AddDependency(c.Tables[t])
		}
	}
}

// ServiceQueriesProps configures a service's ServiceQueries.
type ServiceQueriesProps struct {
	// Database is the Glue database holding AppLogsTable, e.g. prd_logs.
	// Required.
	Database string
	// WorkGroup is the Athena workgroup the queries are saved in, by name:
	// it must exist before the queries (the service's stack depends on the
	// logging stack). Required.
	WorkGroup string
	// Service is the service, the name of the namespace it runs in and of
	// its app_logs partition. Required.
	Service string
}

// workGroupName is what Athena takes as a workgroup name.
var workGroupName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,128}$`)

// Validate reports every problem with the props.
func (p ServiceQueriesProps) Validate() error {
	var errs []error
	if !glueName.MatchString(p.Database) {
		errs = append(errs, fmt.Errorf("database: must be lowercase letters, digits and _, got %q", p.Database))
	}
	if !workGroupName.MatchString(p.WorkGroup) {
		errs = append(errs, fmt.Errorf("workGroup: must be 1-128 letters, digits, . _ or -, got %q", p.WorkGroup))
	}
	// A namespace name (a DNS label) is safe inside a SQL string literal.
	if !spec.IsDNSLabel(p.Service) {
		errs = append(errs, fmt.Errorf("service: must be a namespace name (lowercase letters, digits and -, at most 63), got %q", p.Service))
	}
	return errors.Join(errs...)
}

// ServiceQueries are one service's Athena named queries over app_logs,
// each reading that service's partition only (the table's service
// partition is injected: a query must name it).
type ServiceQueries struct {
	constructs.Construct
	// Queries by construct id: SlowestEndpoints, Errors.
	Queries map[string]awsathena.CfnNamedQuery
}

// serviceQueries are the queries each service gets. %[1]s is the
// database, %[2]s the service; the service partition comes first in every
// WHERE clause.
var serviceQueries = []savedQuery{
	{"SlowestEndpoints", SlowestEndpointsQuery, "p99 latency and volume per endpoint today: where to look when the API is slow.", []string{AppLogsTable}, `SELECT http_method, http_path,
       approx_percentile(duration_ms, 0.99) AS p99_ms,
       count(*) AS requests
FROM "%[1]s"."app_logs"
WHERE service = '%[2]s'
  AND dt = date_format(current_date, '%%Y-%%m-%%d')
  AND duration_ms IS NOT NULL
GROUP BY http_method, http_path
ORDER BY p99_ms DESC
LIMIT 50`},
	{"Errors", ServiceErrorsQuery, "ERROR and FATAL lines of the last 24 hours, newest first, with their cluster and pod: what failed, and whether only on the canary cluster.", []string{AppLogsTable}, `SELECT log_time, cluster, kubernetes.pod_name AS pod, level, logger, message, trace_id, log
FROM "%[1]s"."app_logs"
WHERE service = '%[2]s'
  AND dt >= date_format(current_date - interval '1' day, '%%Y-%%m-%%d')
  AND level IN (` + sqlList(errorSpellings()) + `)
  AND from_iso8601_timestamp(log_time) > current_timestamp - interval '24' hour
ORDER BY log_time DESC
LIMIT 1000`},
}

// sqlList is values as a list of SQL string literals.
func sqlList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return strings.Join(quoted, ", ")
}

// NewServiceQueries saves the service's queries, named "<service>: ...";
// it panics on invalid props.
func NewServiceQueries(scope constructs.Construct, id string, props ServiceQueriesProps) *ServiceQueries {
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	q := &ServiceQueries{Construct: self, Queries: map[string]awsathena.CfnNamedQuery{}}
	for _, sq := range serviceQueries {
		q.Queries[sq.id] = awsathena.NewCfnNamedQuery(self, jsii.String(sq.id), &awsathena.CfnNamedQueryProps{
			Name:        jsii.String(ServiceQueryName(props.Service, sq.name)),
			Description: jsii.String(sq.description),
			Database:    jsii.String(props.Database),
			WorkGroup:   jsii.String(props.WorkGroup),
			QueryString: jsii.String(fmt.Sprintf(sq.sql, props.Database, props.Service)),
		})
	}
	return q
}

// errorSpellings are every spelling services log ErrorLevels in.
func errorSpellings() []string {
	var out []string
	for _, l := range ErrorLevels {
		out = append(out, spec.LevelSpellings(l)...)
	}
	return out
}
