package logging

// AppLogColumns are the fields of the platform's structured application log
// line (one JSON object per line; the service is the partition key).
var AppLogColumns = []Column{
	{"timestamp", "string"},
	{"level", "string"},
	{"message", "string"},
	{"logger", "string"},
	{"trace_id", "string"},
	{"http_method", "string"},
	{"http_path", "string"},
	{"http_status", "int"},
	{"duration_ms", "double"},
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
