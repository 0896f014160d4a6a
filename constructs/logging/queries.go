package logging

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/jsii-runtime-go"
)

// savedQuery is a query a team runs on day one. Each names the tables it
// reads, so it is only created when the catalog has them.
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
)

var savedQueries = []savedQuery{
	{"ErrorsPerService", "errors per service, last hour", "Count of ERROR log lines per service and cluster over the last hour: which service is failing now, and whether only on the canary cluster.", []string{AppLogsTable}, `SELECT service, cluster, count(*) AS errors
FROM "%[1]s"."app_logs"
WHERE dt >= date_format(current_timestamp - interval '1' hour, '%%Y-%%m-%%d')
  AND upper(level) = 'ERROR'
  AND from_iso8601_timestamp(log_time) > current_timestamp - interval '1' hour
GROUP BY service, cluster
ORDER BY errors DESC`},
	{"SlowestEndpoints", "slowest endpoints, today", "p99 latency and volume per service and endpoint today: where to look when the API is slow.", []string{AppLogsTable}, `SELECT service, http_method, http_path,
       approx_percentile(duration_ms, 0.99) AS p99_ms,
       count(*) AS requests
FROM "%[1]s"."app_logs"
WHERE dt = date_format(current_date, '%%Y-%%m-%%d')
  AND duration_ms IS NOT NULL
GROUP BY service, http_method, http_path
ORDER BY p99_ms DESC
LIMIT 50`},
	{"NodeErrorsToday", "node errors by node and unit, today", "kubelet, containerd, aws-node and kernel lines that report an error, per cluster, node and unit today: where to look when nodes of a new node group do not become Ready.", []string{NodeLogsTable}, `SELECT cluster, coalesce(hostname, host) AS node, coalesce(systemd_unit, ident, 'container') AS unit,
       count(*) AS lines, arbitrary(coalesce(message, log)) AS example
FROM "%[1]s"."node_logs"
WHERE dt = date_format(current_date, '%%Y-%%m-%%d')
  AND regexp_like(coalesce(message, log), '(?i)\b(error|failed|fatal)\b')
GROUP BY 1, 2, 3
ORDER BY lines DESC
LIMIT 100`},
	{"WafBlocksByRuleAndClient", "WAF blocks by rule and client IP, last 24 hours", "Which WAF rules block which client IPs: tells an attack from a false positive.", []string{WafLogsTable}, `SELECT terminatingruleid AS rule, httprequest.clientip AS client_ip, httprequest.country AS country,
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
