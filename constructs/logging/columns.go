package logging

import "slices"

// AppLogColumns are the fields of the platform's structured application log
// line (one JSON object per line; the service is the partition key), and
// what the log shipper adds: the cluster, the Kubernetes metadata, and the
// raw line when it was not JSON.
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
	{FieldUnlistedService, "string"},
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
// the service value of a line whose service is not a configured one.
const (
	FieldSource          = "source"
	FieldLogTime         = "log_time"
	FieldUnlistedService = "unlisted_service"
)

// OtherService is the service partition of lines from services that are
// not configured (system pods, third-party charts, a new service not yet
// listed): archived and queryable, never a partition of their own.
const OtherService = "_other"

// The sources of node log lines, the node log stream's partitions.
const (
	NodeLogSourceDataplane = "dataplane"
	NodeLogSourceHost      = "host"
)

// ServicePartitions are the service partitions of the app log layout for
// the configured services: each of them, and OtherService for every line
// of another service, as the log shippers file them.
func ServicePartitions(services []string) []string {
	return append(slices.Clone(services), OtherService)
}

// NodeLogSources are the values of FieldSource.
var NodeLogSources = []string{NodeLogSourceDataplane, NodeLogSourceHost}
