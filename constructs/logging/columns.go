package logging

// AppLogColumns are the fields of the platform's structured application log
// line (one JSON object per line; the service, its pod's namespace, is the
// partition key), and what the log shipper adds: the cluster, the service
// value the line wrote itself, the Kubernetes metadata, and the raw line
// when it was not JSON.
var AppLogColumns = []Column{
	{"timestamp", "string"},
	{FieldLevel, "string"},
	{"message", "string"},
	{"logger", "string"},
	{"trace_id", "string"},
	{"http_method", "string"},
	{"http_path", "string"},
	{"http_status", "int"},
	{"duration_ms", "double"},
	{FieldCluster, "string"},
	{FieldLogTime, "string"},
	{FieldAppService, "string"},
	{"log", "string"},
	{"stream", "string"},
	{"kubernetes", "struct<namespace_name:string,pod_name:string,container_name:string,container_image:string,host:string>"},
}

// NodeLogColumns are the fields of a node log line as the log shipper
// writes it: journal lines of the kubelet and the container runtime
// (hostname, systemd_unit, message), kernel and system lines (host, ident,
// pid, message), aws-node and kube-proxy container lines (log), each with
// its instance and zone.
var NodeLogColumns = []Column{
	{FieldCluster, "string"},
	{FieldLogTime, "string"},
	{"hostname", "string"},
	{"host", "string"},
	{"systemd_unit", "string"},
	{"ident", "string"},
	{"pid", "string"},
	{"message", "string"},
	{"log", "string"},
	{"ec2_instance_id", "string"},
	{"az", "string"},
}

// WafLogColumns are the fields of AWS WAF's log record that investigations
// read (AWS WAF developer guide, "Log fields").
var WafLogColumns = []Column{
	{"timestamp", "bigint"},
	{"formatversion", "int"},
	{"webaclid", "string"},
	{"terminatingruleid", "string"},
	{"terminatingruletype", "string"},
	{"action", "string"},
	{"httpsourcename", "string"},
	{"httpsourceid", "string"},
	{"ratebasedrulelist", "array<struct<ratebasedruleid:string,limitkey:string,maxrateallowed:int>>"},
	{"labels", "array<struct<name:string>>"},
	{"httprequest", "struct<clientip:string,country:string,headers:array<struct<name:string,value:string>>,uri:string,args:string,httpversion:string,httpmethod:string,requestid:string>"},
}

// Fields the log shipper adds: the node log line's source (dataplane or
// host), the time the line was logged (ISO 8601, UTC, milliseconds), and
// the service value a line wrote itself (its service field is its pod's
// namespace, whatever it claims).
const (
	FieldSource     = "source"
	FieldLogTime    = "log_time"
	FieldAppService = "app_service"
)

// OtherService is the service partition of container lines without
// Kubernetes metadata (the kubernetes filter found no pod for them): no
// namespace can be named so, since namespaces take no underscore.
const OtherService = "_other"

// The sources of node log lines, the node log stream's partitions.
const (
	NodeLogSourceDataplane = "dataplane"
	NodeLogSourceHost      = "host"
)

// NodeLogSources are the values of FieldSource.
var NodeLogSources = []string{NodeLogSourceDataplane, NodeLogSourceHost}

// CloudWatchLogsColumns read the batches CloudWatch Logs sends a
// subscription filter's destination, as the stream decompresses them
// (FromCloudWatchLogs): one batch a line, naming its log group and stream,
// with the events in logevents. An event's message is the line as its
// producer wrote it; a query reads JSON messages with json_extract.
var CloudWatchLogsColumns = []Column{
	{"messagetype", "string"},
	{"owner", "string"},
	{"loggroup", "string"},
	{"logstream", "string"},
	{"subscriptionfilters", "array<string>"},
	{"logevents", "array<struct<id:string,timestamp:bigint,message:string>>"},
}

// DbAuditLogColumns read the services' databases' PostgreSQL logs (their
// CloudWatch Logs batches): the log group names the database, and each
// event is one PostgreSQL log line, pgaudit's "AUDIT:" lines among them.
var DbAuditLogColumns = CloudWatchLogsColumns

// NodeSessionLogColumns read the node session log group's batches: the
// log stream is the session's id, and each event's message is one JSON
// record Session Manager streams (cloudWatchStreamingEnabled):
// eventVersion, eventTime, awsRegion, target.id (the instance),
// userIdentity.arn (who started the session), runAsUser, sessionId and
// sessionData (the terminal's lines, the commands typed among them).
var NodeSessionLogColumns = CloudWatchLogsColumns
