package cluster

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/logging"
)

var prdRoutes = LogRoutes{
	Services:         []string{"api-gateway", "checkout"},
	AlertingLevels:   []string{"ERROR", "FATAL"},
	AlertingLogGroup: "/platform/prd/alerting",
	AppStream:        "prd-app-logs",
	NodeStream:       "prd-node-logs",
}

// parseFluentBit reads the classic format back: the test checks what
// Fluent Bit would read, not the Go values that produced it.
func parseFluentBit(t *testing.T, text string) []fluentBitSection {
	t.Helper()
	var out []fluentBitSection
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			out = append(out, fluentBitSection{kind: strings.Trim(line, "[]")})
		case len(out) == 0:
			t.Fatalf("line %d: setting outside a section: %q", n+1, line)
		default:
			key, value, ok := strings.Cut(line, " ")
			if !ok {
				t.Fatalf("line %d: setting without a value: %q", n+1, line)
			}
			out[len(out)-1].settings = append(out[len(out)-1].settings, [2]string{key, strings.TrimSpace(value)})
		}
	}
	return out
}

// matches is Fluent Bit's Match: a tag glob where * is any run of characters.
func matches(glob, tag string) bool {
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(glob), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(tag)
}

// delivery is one record arriving at one output.
type delivery struct {
	output, destination string
	record              map[string]string
}

// fluentRegex compiles a Fluent Bit regular expression (optionally written
// /.../); ok is false for what Go's RE2 cannot express (look-ahead).
func fluentRegex(re string) (*regexp.Regexp, bool) {
	if len(re) > 1 && strings.HasPrefix(re, "/") && strings.HasSuffix(re, "/") {
		re = re[1 : len(re)-1]
	}
	r, err := regexp.Compile(re)
	return r, err == nil
}

// conditionsHold evaluates a modify filter's Conditions on record.
func conditionsHold(t *testing.T, s fluentBitSection, record map[string]string) bool {
	for _, c := range s.get("Condition") {
		f := strings.Fields(c)
		v, exists := record[f[1]]
		switch f[0] {
		case "Key_does_not_exist":
			if exists {
				return false
			}
		case "Key_value_does_not_match":
			re, _ := fluentRegex(f[2])
			if !exists || re.MatchString(v) {
				return false
			}
		default:
			t.Fatalf("condition %q not simulated", c)
		}
	}
	return true
}

// simulate runs one record through the filters that rename, set, drop
// and re-tag (modify, grep, rewrite_tag) and returns what reaches each
// output. The kubernetes and aws filters are taken as done: records come
// in already merged from JSON.
func simulate(t *testing.T, sections []fluentBitSection, tag string, record map[string]string, env map[string]string) []delivery {
	t.Helper()
	expand := func(v string) string {
		for k, val := range env {
			v = strings.ReplaceAll(v, "${"+k+"}", val)
		}
		return v
	}
	var out []delivery
	type item struct {
		tag    string
		record map[string]string
	}
	queue := []item{{tag, maps.Clone(record)}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		dropped := false
		for _, s := range sections {
			if s.kind != "FILTER" || !matches(s.get("Match")[0], it.tag) || dropped {
				continue
			}
			switch s.get("Name")[0] {
			case "modify":
				if !conditionsHold(t, s, it.record) {
					continue
				}
				for _, kv := range s.settings {
					k, v, _ := strings.Cut(kv[1], " ")
					switch kv[0] {
					case "Set":
						it.record[k] = expand(v)
					case "Rename":
						if old, ok := it.record[k]; ok {
							delete(it.record, k)
							it.record[v] = old
						}
					case "Remove_regex":
						if re, ok := fluentRegex(kv[1]); ok {
							for key := range it.record {
								if re.MatchString(key) {
									delete(it.record, key)
								}
							}
						}
					}
				}
			case "grep":
				for _, kv := range s.settings {
					k, v, _ := strings.Cut(kv[1], " ")
					re, ok := fluentRegex(v)
					if !ok && (kv[0] == "Regex" || kv[0] == "Exclude") {
						t.Fatalf("grep %s %q: not a regular expression", kv[0], v)
					}
					switch kv[0] {
					case "Regex":
						dropped = dropped || !re.MatchString(it.record[k])
					case "Exclude":
						_, has := it.record[k]
						dropped = dropped || (has && re.MatchString(it.record[k]))
					}
				}
			case "rewrite_tag":
				for _, rule := range s.get("Rule") {
					f := strings.Fields(rule)
					if len(f) != 4 || !strings.HasPrefix(f[0], "$") {
						t.Fatalf("rewrite_tag rule %q: want KEY REGEX NEW_TAG KEEP", rule)
					}
					if v, ok := it.record[f[0][1:]]; ok && regexp.MustCompile(f[1]).MatchString(v) {
						// The copy starts the pipeline again under its new tag.
						queue = append(queue, item{strings.ReplaceAll(f[2], "$TAG", it.tag), maps.Clone(it.record)})
						dropped = f[3] != "true"
					}
				}
			}
		}
		if dropped {
			continue
		}
		for _, s := range sections {
			if s.kind == "OUTPUT" && matches(s.get("Match")[0], it.tag) {
				dest := s.get("delivery_stream")
				if len(dest) == 0 {
					dest = s.get("log_group_name")
				}
				out = append(out, delivery{s.get("Name")[0], dest[0], it.record})
			}
		}
	}
	return out
}

// TestLogRouting: every line reaches the archive exactly once, lines of an
// alerting level are also copied to the alerting log group, and each
// carries the cluster's name (and a node line its source), which the
// metric filters' dimensions and the Firehose partitions read.
func TestLogRouting(t *testing.T) {
	const appTag = "application.var.log.containers.checkout-7d9f_shop_checkout-0a1b.log"
	for _, tc := range []struct {
		name   string
		routes LogRoutes
		tag    string
		record map[string]string
		want   []string // output:destination
		source string
		// service is the archived line's service partition ("" for node lines).
		service string
	}{
		{"ERROR line alerts and is archived", prdRoutes, appTag, map[string]string{"level": "ERROR", "service": "checkout"},
			[]string{"cloudwatch_logs:/platform/prd/alerting", "kinesis_firehose:prd-app-logs"}, "", "checkout"},
		{"zap's lowercase error", prdRoutes, appTag, map[string]string{"level": "error", "service": "checkout"},
			[]string{"cloudwatch_logs:/platform/prd/alerting", "kinesis_firehose:prd-app-logs"}, "", "checkout"},
		{"Serilog's Fatal", prdRoutes, appTag, map[string]string{"level": "Fatal", "service": "checkout"},
			[]string{"cloudwatch_logs:/platform/prd/alerting", "kinesis_firehose:prd-app-logs"}, "", "checkout"},
		{"Python's CRITICAL", prdRoutes, appTag, map[string]string{"level": "CRITICAL", "service": "api-gateway"},
			[]string{"cloudwatch_logs:/platform/prd/alerting", "kinesis_firehose:prd-app-logs"}, "", "api-gateway"},
		{"INFO only archived", prdRoutes, appTag, map[string]string{"level": "INFO", "service": "checkout"},
			[]string{"kinesis_firehose:prd-app-logs"}, "", "checkout"},
		{"WARN not alerting unless configured", prdRoutes, appTag, map[string]string{"level": "WARN", "service": "checkout"},
			[]string{"kinesis_firehose:prd-app-logs"}, "", "checkout"},
		{"WARNING when WARN alerts", LogRoutes{Services: []string{"checkout"}, AlertingLevels: []string{"WARN"}, AlertingLogGroup: "/platform/dev/alerting", AppStream: "dev-app-logs", NodeStream: "dev-node-logs"},
			appTag, map[string]string{"level": "WARNING", "service": "checkout"},
			[]string{"cloudwatch_logs:/platform/dev/alerting", "kinesis_firehose:dev-app-logs"}, "", "checkout"},
		// A third-party chart's errors are archived but page nobody, and
		// add no dimension to the metric filters.
		{"unlisted service's ERROR", prdRoutes, appTag, map[string]string{"level": "ERROR", "service": "cert-manager"},
			[]string{"kinesis_firehose:prd-app-logs"}, "", logging.OtherService},
		{"a service name that only contains a listed one", prdRoutes, appTag, map[string]string{"level": "ERROR", "service": "checkout-v2"},
			[]string{"kinesis_firehose:prd-app-logs"}, "", logging.OtherService},
		{"a line that is not JSON", prdRoutes, appTag, map[string]string{"log": "panic: runtime error"},
			[]string{"kinesis_firehose:prd-app-logs"}, "", logging.OtherService},
		{"kubelet journal", prdRoutes, "dataplane.systemd.kubelet.service", map[string]string{"_SYSTEMD_UNIT": "kubelet.service", "MESSAGE": "error syncing pod", "level": "ERROR"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceDataplane, ""},
		{"aws-node container", prdRoutes, "dataplane.tail.var.log.containers.aws-node-x_kube-system_aws-node-1.log", map[string]string{"log": "ipamd error"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceDataplane, ""},
		{"kernel", prdRoutes, "host.dmesg", map[string]string{"MESSAGE": "Out of memory: Killed process"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceHost, ""},
		{"system journal", prdRoutes, "host.messages", map[string]string{"_SYSTEMD_UNIT": "sshd.service", "MESSAGE": "Accepted publickey", "SYSLOG_FACILITY": "3"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceHost, ""},
		// Lines another input ships already are not archived twice.
		{"kubelet in the journal's messages", prdRoutes, "host.messages", map[string]string{"_SYSTEMD_UNIT": "kubelet.service", "MESSAGE": "error syncing pod"}, nil, "", ""},
		{"kernel in the journal's messages", prdRoutes, "host.messages", map[string]string{"_TRANSPORT": "kernel", "MESSAGE": "oom"}, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sections []fluentBitSection
			files := tc.routes.FluentBitFiles()
			for _, name := range slices.Sorted(maps.Keys(files)) {
				sections = append(sections, parseFluentBit(t, files[name])...)
			}
			got := simulate(t, sections, tc.tag, tc.record, map[string]string{"CLUSTER_NAME": "prd-blue"})
			var dests []string
			for _, d := range got {
				dests = append(dests, d.output+":"+d.destination)
				if d.record[logging.FieldCluster] != "prd-blue" {
					t.Errorf("%s:%s gets no cluster field: %v", d.output, d.destination, d.record)
				}
				if d.record[logging.FieldSource] != tc.source {
					t.Errorf("%s:%s gets source %q, want %q", d.output, d.destination, d.record[logging.FieldSource], tc.source)
				}
				if d.record[logging.FieldService] != tc.service {
					t.Errorf("%s:%s gets service %q, want %q", d.output, d.destination, d.record[logging.FieldService], tc.service)
				}
				if tc.service == logging.OtherService && tc.record["service"] != "" && d.record[logging.FieldUnlistedService] != tc.record["service"] {
					t.Errorf("the unlisted service %q is lost: %v", tc.record["service"], d.record)
				}
			}
			slices.Sort(dests)
			if !slices.Equal(dests, tc.want) {
				t.Errorf("delivered to %v, want %v", dests, tc.want)
			}
		})
	}
}

// TestFluentBitFilesAreSafe: the add-on renders each file through Helm's
// tpl (a "{{" would be read as a template), and no line may go to the
// add-on's default log groups, which are unencrypted and kept forever.
func TestFluentBitFilesAreSafe(t *testing.T) {
	files := prdRoutes.FluentBitFiles()
	if want := []string{"application-log.conf", "dataplane-log.conf", "host-log.conf"}; !slices.Equal(slices.Sorted(maps.Keys(files)), want) {
		t.Fatalf("files %v, want all three of the add-on's %v replaced", slices.Sorted(maps.Keys(files)), want)
	}
	for name, text := range files {
		if strings.Contains(text, "{{") {
			t.Errorf("%s contains {{, which Helm's tpl would evaluate", name)
		}
		for _, s := range parseFluentBit(t, text) {
			if s.kind != "OUTPUT" {
				continue
			}
			if g := s.get("log_group_name"); len(g) > 0 && g[0] != prdRoutes.AlertingLogGroup {
				t.Errorf("%s sends to log group %s", name, g[0])
			}
			if a := s.get("auto_create_group"); len(a) > 0 && a[0] != "false" {
				t.Errorf("%s may create log groups", name)
			}
			if s.get("Name")[0] == "kinesis_firehose" && (len(s.get("time_key")) == 0 || s.get("time_key")[0] != logging.FieldLogTime) {
				t.Errorf("%s: records to %v carry no %s", name, s.get("delivery_stream"), logging.FieldLogTime)
			}
			if l := s.get("storage.total_limit_size"); len(l) == 0 || l[0] != bufferLimit {
				t.Errorf("%s: output %v buffers %v on the node's disk, want %s", name, s.get("Name"), l, bufferLimit)
			}
		}
	}
	err := (LogRoutes{Services: []string{"checkout", "_other"}, AlertingLevels: []string{"DEBUG"}, AlertingLogGroup: "x", AppStream: "a b"}).Validate()
	for _, want := range []string{`services[1]: must be lowercase letters, digits and -, got "_other"`, `alertingLevels[0]: must be one of [WARN ERROR FATAL], got "DEBUG"`, `appStream: must be a plain name, got "a b"`, `nodeStream: must be a plain name, got ""`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want %q", err, want)
		}
	}
}

func TestLogShipperPropsValidate(t *testing.T) {
	arn := jsii.String("arn:aws:firehose:ap-northeast-1:111111111111:deliverystream/prd-app-logs")
	for _, tc := range []struct {
		name  string
		props LogShipperProps
		want  string
	}{
		{"no streams", LogShipperProps{Routes: prdRoutes}, "streamArns: required"},
		{"routes checked", LogShipperProps{Routes: LogRoutes{AlertingLogGroup: "/platform/prd/alerting", AppStream: "a", NodeStream: "n"}, StreamArns: []*string{arn}}, "routes: services: at least one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.props.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := (LogShipperProps{Routes: prdRoutes, StreamArns: []*string{arn}}).Validate(); err != nil {
		t.Errorf("valid props: %v", err)
	}
}
