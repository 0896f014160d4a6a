package logshipper

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/spec"
)

// LogRoutes says where a cluster's log shipper sends each log line:
//
//   - every container line, as JSON with its Kubernetes metadata, the
//     cluster's name and its log time, to AppStream (Firehose into the
//     archive), partitioned by its service field: the namespace of the pod
//     that wrote it (namespace == service), or logging.OtherService for a
//     line without Kubernetes metadata. A service value the line carried
//     itself is kept in logging.FieldAppService: where a line runs, not what
//     it claims, names its partition and its alarm dimension;
//   - a copy of each line whose level is one of AlertingLevels, from any
//     namespace but the platform's own (spec.PlatformNamespaces), to the
//     CloudWatch Logs group AlertingLogGroup, where metric filters count
//     them for alarms;
//   - node lines (kubelet, containerd, aws-node, kube-proxy, the kernel and
//     the system journal) to NodeStream, tagged with their source.
//
// No service is listed anywhere: namespaces are created by the platform
// only (teams may not create one), so they bound the Firehose partitions
// and the metric filters' dimensions, and adding a service changes none of
// the shipper's configuration.
//
// Nothing goes to the add-on's default /aws/containerinsights log groups,
// which would be created unencrypted and kept forever.
type LogRoutes struct {
	// AlertingLevels are copied to AlertingLogGroup. Required.
	AlertingLevels []string
	// AlertingLogGroup is the CloudWatch Logs group's name. Required.
	AlertingLogGroup string
	// AppStream and NodeStream are Firehose stream names. Required.
	AppStream, NodeStream string
}

// Validate reports every problem with the routes.
func (r LogRoutes) Validate() error {
	var errs []error
	if len(r.AlertingLevels) == 0 {
		errs = append(errs, fmt.Errorf("alertingLevels: at least one of %v", spec.Levels))
	}
	for i, l := range r.AlertingLevels {
		if !slices.Contains(spec.Levels, l) {
			errs = append(errs, fmt.Errorf("alertingLevels[%d]: must be one of %v, got %q", i, spec.Levels, l))
		}
	}
	for _, f := range []struct{ name, value string }{{"alertingLogGroup", r.AlertingLogGroup}, {"appStream", r.AppStream}, {"nodeStream", r.NodeStream}} {
		if f.value == "" || strings.ContainsAny(f.value, " \t\n{}$") {
			errs = append(errs, fmt.Errorf("%s: must be a plain name, got %q", f.name, f.value))
		}
	}
	return errors.Join(errs...)
}

// lifted is the prefix the kubernetes map's keys carry while they sit at
// the top level of a record: Fluent Bit's modify filter reads top-level
// keys only, so the namespace is copied from _k8s_namespace_name.
const lifted = "_k8s_"

// fluentBitSection is one [INPUT], [FILTER] or [OUTPUT] section of Fluent
// Bit's classic configuration format: settings in order, keys may repeat.
type fluentBitSection struct {
	kind     string
	settings [][2]string
}

func section(kind string, kv ...string) fluentBitSection {
	s := fluentBitSection{kind: kind}
	for i := 0; i+1 < len(kv); i += 2 {
		s.settings = append(s.settings, [2]string{kv[i], kv[i+1]})
	}
	return s
}

func (s fluentBitSection) get(key string) []string {
	var out []string
	for _, kv := range s.settings {
		if strings.EqualFold(kv[0], key) {
			out = append(out, kv[1])
		}
	}
	return out
}

func render(sections []fluentBitSection) string {
	var b strings.Builder
	for i, s := range sections {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "[%s]\n", s.kind)
		for _, kv := range s.settings {
			fmt.Fprintf(&b, "    %-24s %s\n", kv[0], kv[1])
		}
	}
	return b.String()
}

// The tags lines carry through the pipeline; an alerting copy is re-tagged
// alerting.<original tag>.
const (
	tagApplication = "application.*"
	tagAlerting    = "alerting.*"
	tagDataplane   = "dataplane.*"
	tagHost        = "host.*"
)

// alertingRule is the rewrite_tag rule that copies a line to the alerting
// route: its level field is one of the spellings of an alerting level,
// exactly as the metric filters match them.
func (r LogRoutes) alertingRule() string {
	var spellings []string
	for _, l := range r.AlertingLevels {
		spellings = append(spellings, spec.LevelSpellings(l)...)
	}
	return fmt.Sprintf("$%s ^(%s)$ alerting.$TAG true", logging.FieldLevel, strings.Join(spellings, "|"))
}

// quietServices matches the service field of lines that never alert: the
// system namespaces, and lines without Kubernetes metadata.
func quietServices() string {
	names := make([]string, 0, len(spec.PlatformNamespaces)+1)
	for _, n := range spec.PlatformNamespaces {
		names = append(names, regexp.QuoteMeta(n.Name))
	}
	names = append(names, regexp.QuoteMeta(logging.OtherService))
	return "^(" + strings.Join(names, "|") + ")$"
}

// tail reads container log files as the add-on's defaults do (CRI and
// Docker formats, multiline, a position database, filesystem buffering so
// that a restart or an outage of the destination loses nothing).
func tail(tag, path, db, memBuf string, extra ...string) fluentBitSection {
	s := section("INPUT", append([]string{
		"Name", "tail",
		"Tag", tag,
		"Path", path,
		"multiline.parser", "docker, cri",
		"DB", "/var/fluent-bit/state/" + db,
		"Mem_Buf_Limit", memBuf,
		"Skip_Long_Lines", "On",
		"Refresh_Interval", "10",
		"Rotate_Wait", "30",
		"storage.type", "filesystem",
		"Read_from_Head", "${READ_FROM_HEAD}",
	}, extra...)...)
	return s
}

func journal(tag, db string, filters ...string) fluentBitSection {
	kv := []string{"Name", "systemd", "Tag", tag}
	for _, f := range filters {
		kv = append(kv, "Systemd_Filter", f)
	}
	kv = append(kv, "DB", "/var/fluent-bit/state/"+db, "Path", "/var/log/journal", "Read_From_Tail", "${READ_FROM_TAIL}", "storage.type", "filesystem")
	return section("INPUT", kv...)
}

// bufferLimit bounds each output's filesystem backlog: while a
// destination is down, lines wait on the node's disk up to this much per
// output, well short of the disk pressure that would evict pods.
const bufferLimit = "500M"

// toFirehose ships every line matching match to a Firehose stream (the
// output ends each record with a newline, one JSON object per line) with
// its log time, and retries without limit from its filesystem buffer.
func toFirehose(match, stream string) fluentBitSection {
	return section("OUTPUT",
		"Name", "kinesis_firehose",
		"Match", match,
		"region", "${AWS_REGION}",
		"delivery_stream", stream,
		"time_key", logging.FieldLogTime,
		"time_key_format", "%Y-%m-%dT%H:%M:%S.%3NZ",
		"Retry_Limit", "no_limits",
		"storage.total_limit_size", bufferLimit,
	)
}

// tagged adds the cluster's name (and a source) to every line, so that
// alarms and Athena queries can tell a canary cluster from the stable one.
func tagged(match string, source string) fluentBitSection {
	kv := []string{"Name", "modify", "Match", match, "Set", logging.FieldCluster + " ${CLUSTER_NAME}"}
	if source != "" {
		kv = append(kv, "Set", logging.FieldSource+" "+source)
	}
	return section("FILTER", kv...)
}

// applicationLog is application-log.conf: container lines, parsed as JSON
// into top-level fields (level, message, ...) where they are JSON, each
// filed under its pod's namespace.
func (r LogRoutes) applicationLog() []fluentBitSection {
	// The shipper's and the agent's own lines are read apart, in a small
	// memory buffer, as the add-on does: when a destination fails, their
	// error lines must not pile up in the backlog that is failing.
	own := func(path, db string) fluentBitSection {
		return section("INPUT", "Name", "tail", "Tag", tagApplication, "Path", path, "multiline.parser", "docker, cri",
			"DB", "/var/fluent-bit/state/"+db, "Mem_Buf_Limit", "5MB", "Skip_Long_Lines", "On", "Refresh_Interval", "10", "Read_from_Head", "${READ_FROM_HEAD}")
	}
	return []fluentBitSection{
		tail(tagApplication, "/var/log/containers/*.log", "flb_container.db", "50MB",
			"Exclude_Path", "/var/log/containers/cloudwatch-agent*, /var/log/containers/fluent-bit*, /var/log/containers/aws-node*, /var/log/containers/kube-proxy*"),
		own("/var/log/containers/fluent-bit*", "flb_log.db"),
		own("/var/log/containers/cloudwatch-agent*", "flb_cwagent.db"),
		section("FILTER",
			"Name", "kubernetes",
			"Match", tagApplication,
			"Kube_URL", "https://kubernetes.default.svc:443",
			"Kube_Tag_Prefix", "application.var.log.containers.",
			// Top-level fields: the metric filters read $.level; the
			// pod's namespace comes under kubernetes.namespace_name.
			"Merge_Log", "On",
			"Keep_Log", "Off",
			"K8S-Logging.Parser", "On",
			"K8S-Logging.Exclude", "Off",
			"Labels", "Off",
			"Annotations", "Off",
			"Use_Kubelet", "On",
			"Kubelet_Port", "10250",
			"Buffer_Size", "0",
		),
		tagged(tagApplication, ""),
		// The service is where the line runs: its pod's namespace. The
		// line's own service value, if it wrote one, is kept apart; keys
		// that look like the lifted metadata are dropped, so that a line
		// cannot pose as another namespace's.
		section("FILTER",
			"Name", "modify",
			"Match", tagApplication,
			"Rename", logging.FieldService+" "+logging.FieldAppService,
			"Remove_regex", "^"+lifted,
		),
		// modify reads top-level keys only: lift the metadata up, copy the
		// namespace, and nest it back as it was.
		section("FILTER",
			"Name", "nest",
			"Match", tagApplication,
			"Operation", "lift",
			"Nested_under", "kubernetes",
			"Add_prefix", lifted,
		),
		section("FILTER",
			"Name", "modify",
			"Match", tagApplication,
			"Hard_copy", lifted+"namespace_name "+logging.FieldService,
		),
		section("FILTER",
			"Name", "nest",
			"Match", tagApplication,
			"Operation", "nest",
			"Wildcard", lifted+"*",
			"Nest_under", "kubernetes",
			"Remove_prefix", lifted,
		),
		// A line the kubernetes filter found no pod for.
		section("FILTER",
			"Name", "modify",
			"Match", tagApplication,
			"Condition", "Key_does_not_exist "+logging.FieldService,
			"Set", logging.FieldService+" "+logging.OtherService,
		),
		section("FILTER",
			"Name", "rewrite_tag",
			"Match", tagApplication,
			"Rule", r.alertingRule(),
			"Emitter_Name", "alerting",
			"Emitter_Storage.type", "filesystem",
			"Emitter_Mem_Buf_Limit", "10M",
		),
		// The platform's own namespaces and lines without a pod do not
		// alert: they page no one, and the metric filters' dimensions stay
		// the services' (CloudWatch disables a filter past 1,000 pairs an
		// hour).
		section("FILTER",
			"Name", "grep",
			"Match", tagAlerting,
			"Exclude", logging.FieldService+" "+quietServices(),
		),
		section("OUTPUT",
			"Name", "cloudwatch_logs",
			"Match", tagAlerting,
			"region", "${AWS_REGION}",
			"log_group_name", r.AlertingLogGroup,
			// One stream per cluster and container: the IAM grant and a
			// Logs Insights search can both narrow to one cluster.
			"log_stream_prefix", "${CLUSTER_NAME}.",
			"auto_create_group", "false",
			"Retry_Limit", "no_limits",
			"storage.total_limit_size", bufferLimit,
		),
		toFirehose(tagApplication, r.AppStream),
	}
}

// dataplaneLog is dataplane-log.conf: the kubelet, containerd and Docker
// journals and the aws-node and kube-proxy containers (what an upgrade or a
// node failure is read from), with the add-on's field names.
func (r LogRoutes) dataplaneLog() []fluentBitSection {
	return []fluentBitSection{
		journal("dataplane.systemd.*", "systemd.db", "_SYSTEMD_UNIT=docker.service", "_SYSTEMD_UNIT=containerd.service", "_SYSTEMD_UNIT=kubelet.service"),
		tail("dataplane.tail.*", "/var/log/containers/aws-node*, /var/log/containers/kube-proxy*", "flb_dataplane_tail.db", "50MB"),
		section("FILTER",
			"Name", "modify",
			"Match", "dataplane.systemd.*",
			"Rename", "_HOSTNAME hostname",
			"Rename", "_SYSTEMD_UNIT systemd_unit",
			"Rename", "MESSAGE message",
			"Remove_regex", "^((?!hostname|systemd_unit|message).)*$",
		),
		section("FILTER", "Name", "aws", "Match", tagDataplane, "imds_version", "v2"),
		tagged(tagDataplane, logging.NodeLogSourceDataplane),
		toFirehose(tagDataplane, r.NodeStream),
	}
}

// hostLog is host-log.conf: the kernel ring buffer, the system journal and
// the secure (authentication) log of every node.
func (r LogRoutes) hostLog() []fluentBitSection {
	return []fluentBitSection{
		journal("host.dmesg", "flb_dmesg.db", "_TRANSPORT=kernel"),
		journal("host.messages", "flb_messages.db", "PRIORITY=0", "PRIORITY=1", "PRIORITY=2", "PRIORITY=3", "PRIORITY=4", "PRIORITY=5", "PRIORITY=6"),
		journal("host.secure", "flb_secure.db", "SYSLOG_FACILITY=10"),
		section("FILTER", "Name", "aws", "Match", tagHost, "imds_version", "v2"),
		// The journal's messages less what other inputs already ship: the
		// secure facility, the kernel (host.dmesg) and the units of
		// dataplane-log.conf; a line is archived once.
		section("FILTER", "Name", "grep", "Match", "host.messages",
			"Exclude", "SYSLOG_FACILITY /^(2|9|10)$/",
			"Exclude", "_TRANSPORT /^kernel$/",
			"Exclude", `_SYSTEMD_UNIT /^(docker|containerd|kubelet)\.service$/`,
		),
		section("FILTER",
			"Name", "modify",
			"Match", tagHost,
			"Rename", "_HOSTNAME host",
			"Rename", "MESSAGE message",
			"Rename", "SYSLOG_IDENTIFIER ident",
			"Rename", "SYSLOG_PID pid",
			"Remove_regex", "[A-Z]",
		),
		tagged(tagHost, logging.NodeLogSourceHost),
		toFirehose(tagHost, r.NodeStream),
	}
}

// pipeline is every section of the three files, in the order Fluent Bit
// loads them (the add-on @INCLUDEs its extraFiles by name).
func (r LogRoutes) pipeline() map[string][]fluentBitSection {
	return map[string][]fluentBitSection{
		"application-log.conf": r.applicationLog(),
		"dataplane-log.conf":   r.dataplaneLog(),
		"host-log.conf":        r.hostLog(),
	}
}

// FluentBitFiles are the add-on's containerLogs.fluentBit.config.extraFiles:
// all three replaced, so that no default route to CloudWatch Logs is left.
func (r LogRoutes) FluentBitFiles() map[string]string {
	out := map[string]string{}
	for name, sections := range r.pipeline() {
		out[name] = render(sections)
	}
	return out
}
