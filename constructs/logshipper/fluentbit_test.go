package logshipper

import (
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/ecplatform/eks-platform/constructs/logging"
	"github.com/ecplatform/eks-platform/spec"
)

var prdRoutes = LogRoutes{
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

// record is a log record as Fluent Bit holds it: a map whose values are
// strings or maps (the kubernetes filter's metadata is a map under
// "kubernetes"). Keys are unique: where Fluent Bit would write a key twice,
// the simulator fails instead of guessing.
type record = map[string]any

// clone copies a record, nested maps included.
func clone(r record) record {
	out := record{}
	for k, v := range r {
		if m, ok := v.(record); ok {
			v = clone(m)
		}
		out[k] = v
	}
	return out
}

// text is a top-level key's value where it is a string; Fluent Bit's
// regular expressions match nothing else (maps, or a missing key).
func text(r record, key string) (string, bool) {
	s, ok := r[key].(string)
	return s, ok
}

// delivery is one record arriving at one output.
type delivery struct {
	output, destination string
	record              record
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

// topLevel fails on a record accessor ($a['b']): the simulator reads
// top-level keys only, as modify's rules do.
func topLevel(t *testing.T, key string) string {
	t.Helper()
	if strings.ContainsAny(key, "$[]") {
		t.Fatalf("key %q: record accessors are not simulated", key)
	}
	return key
}

// conditionsHold evaluates a modify filter's Conditions on r: all must
// hold. A value condition on a missing key fails, as in Fluent Bit.
func conditionsHold(t *testing.T, s fluentBitSection, r record) bool {
	t.Helper()
	for _, c := range s.get("Condition") {
		f := strings.Fields(c)
		_, exists := r[topLevel(t, f[1])]
		v, isText := text(r, f[1])
		var hold bool
		switch strings.ToLower(f[0]) {
		case "key_exists":
			hold = exists
		case "key_does_not_exist":
			hold = !exists
		case "key_value_matches", "key_value_does_not_match":
			re, ok := fluentRegex(f[2])
			if !ok {
				t.Fatalf("condition %q: not a regular expression", c)
			}
			matched := isText && re.MatchString(v)
			hold = matched
			if strings.ToLower(f[0]) == "key_value_does_not_match" {
				hold = exists && !matched
			}
		default:
			t.Fatalf("condition %q not simulated", c)
		}
		if !hold {
			return false
		}
	}
	return true
}

// modify applies a modify filter's rules in order, each to the result of
// the one before, with the semantics of the filter's documentation: Set
// overwrites, Add does not; Rename and Copy act only when the target key
// does not exist, Hard_rename and Hard_copy overwrite it; nothing happens
// when the source key is missing.
func modify(t *testing.T, s fluentBitSection, r record, env map[string]string) {
	t.Helper()
	expand := func(v string) string {
		for k, val := range env {
			v = strings.ReplaceAll(v, "${"+k+"}", val)
		}
		return v
	}
	for _, kv := range s.settings {
		op := strings.ToLower(kv[0])
		k, v, _ := strings.Cut(kv[1], " ")
		switch op {
		case "name", "match", "condition":
			continue
		case "remove_regex":
			// A look-ahead (the dataplane's keep-list) is beyond RE2: the
			// keys it would keep are all the simulator's records carry.
			if re, ok := fluentRegex(kv[1]); ok {
				for key := range r {
					if re.MatchString(key) {
						delete(r, key)
					}
				}
			}
			continue
		case "remove":
			delete(r, topLevel(t, kv[1]))
			continue
		}
		src, has := r[topLevel(t, k)]
		switch op {
		case "set":
			r[k] = expand(v)
			continue
		case "add":
			if !has {
				r[k] = expand(v)
			}
			continue
		}
		_, targetExists := r[topLevel(t, v)]
		switch op {
		case "rename", "hard_rename":
			if has && (op == "hard_rename" || !targetExists) {
				delete(r, k)
				r[v] = src
			}
		case "copy", "hard_copy":
			if m, ok := src.(record); ok {
				src = clone(m)
			}
			if has && (op == "hard_copy" || !targetExists) {
				r[v] = src
			}
		default:
			t.Fatalf("modify rule %s not simulated", kv[0])
		}
	}
}

// nest runs a nest filter as Fluent Bit's filter_nest does. lift: the map
// under Nested_under (if it is a map) is replaced by its keys, each with
// Add_prefix added or Remove_prefix removed. nest: the top-level keys that
// match a Wildcard (a trailing * matches any rest, else the key exactly)
// move into a new map under Nest_under, their keys prefixed the same way;
// with no key matching, the record is left alone.
func nest(t *testing.T, s fluentBitSection, r record) {
	t.Helper()
	var op, under, addPrefix, removePrefix string
	var wildcards []string
	for _, kv := range s.settings {
		switch strings.ToLower(kv[0]) {
		case "name", "match":
		case "operation":
			op = kv[1]
		case "wildcard":
			wildcards = append(wildcards, kv[1])
		case "nest_under", "nested_under":
			under = kv[1]
		case "add_prefix":
			addPrefix = kv[1]
		case "remove_prefix":
			removePrefix = kv[1]
		default:
			t.Fatalf("nest setting %s: Fluent Bit refuses it", kv[0])
		}
	}
	if addPrefix != "" && removePrefix != "" {
		t.Fatal("nest: Add_prefix and Remove_prefix are exclusive")
	}
	rekey := func(k string) string {
		if addPrefix != "" {
			return addPrefix + k
		}
		return strings.TrimPrefix(k, removePrefix)
	}
	switch op {
	case "lift":
		m, ok := r[under].(record)
		if !ok {
			return
		}
		delete(r, under)
		for k, v := range m {
			nk := rekey(k)
			if _, dup := r[nk]; dup {
				t.Fatalf("lift %s: %q is already a top-level key; Fluent Bit would write it twice", under, nk)
			}
			r[nk] = v
		}
	case "nest":
		if len(wildcards) == 0 {
			t.Fatal("nest without Wildcard")
		}
		nested := record{}
		for k, v := range r {
			for _, w := range wildcards {
				if prefix, dynamic := strings.CutSuffix(w, "*"); (dynamic && strings.HasPrefix(k, prefix)) || k == w {
					nested[rekey(k)] = v
					delete(r, k)
					break
				}
			}
		}
		if len(nested) == 0 {
			return
		}
		if _, dup := r[under]; dup {
			t.Fatalf("nest under %s: already a top-level key; Fluent Bit would write it twice", under)
		}
		r[under] = nested
	default:
		t.Fatalf("nest Operation %q: must be nest or lift", op)
	}
}

// simulate runs one record through the filters (modify, nest, grep,
// rewrite_tag) and returns what reaches each output. The kubernetes and
// aws filters are taken as done: records come in already merged from JSON,
// with their metadata.
func simulate(t *testing.T, sections []fluentBitSection, tag string, in record, env map[string]string) []delivery {
	t.Helper()
	var out []delivery
	type item struct {
		tag    string
		record record
	}
	queue := []item{{tag, clone(in)}}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		dropped := false
		for _, s := range sections {
			if s.kind != "FILTER" || !matches(s.get("Match")[0], it.tag) || dropped {
				continue
			}
			switch s.get("Name")[0] {
			case "kubernetes", "aws":
			case "modify":
				if conditionsHold(t, s, it.record) {
					modify(t, s, it.record, env)
				}
			case "nest":
				nest(t, s, it.record)
			case "grep":
				for _, kv := range s.settings {
					if kv[0] != "Regex" && kv[0] != "Exclude" {
						continue
					}
					k, v, _ := strings.Cut(kv[1], " ")
					re, ok := fluentRegex(v)
					if !ok {
						t.Fatalf("grep %s %q: not a regular expression", kv[0], v)
					}
					value, isText := text(it.record, topLevel(t, k))
					matched := isText && re.MatchString(value)
					switch kv[0] {
					case "Regex":
						dropped = dropped || !matched
					case "Exclude":
						dropped = dropped || matched
					}
				}
			case "rewrite_tag":
				for _, rule := range s.get("Rule") {
					f := strings.Fields(rule)
					if len(f) != 4 || !strings.HasPrefix(f[0], "$") {
						t.Fatalf("rewrite_tag rule %q: want KEY REGEX NEW_TAG KEEP", rule)
					}
					if v, ok := text(it.record, topLevel(t, f[0][1:])); ok && regexp.MustCompile(f[1]).MatchString(v) {
						// The copy starts the pipeline again under its new tag.
						queue = append(queue, item{strings.ReplaceAll(f[2], "$TAG", it.tag), clone(it.record)})
						dropped = f[3] != "true"
					}
				}
			default:
				t.Fatalf("filter %s not simulated", s.get("Name")[0])
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

// TestSimulatedFilters pins the simulator to the filters' documented
// behaviour, so that TestLogRouting proves what Fluent Bit would do.
func TestSimulatedFilters(t *testing.T) {
	filter := func(kv ...string) fluentBitSection {
		return section("FILTER", append([]string{"Match", "*"}, kv...)...)
	}
	for _, tc := range []struct {
		name     string
		filter   fluentBitSection
		in, want record
	}{
		{"lift with a prefix", filter("Name", "nest", "Operation", "lift", "Nested_under", "k", "Add_prefix", "p_"),
			record{"a": "1", "k": record{"x": "2", "y": "3"}}, record{"a": "1", "p_x": "2", "p_y": "3"}},
		{"lift of a string is no lift", filter("Name", "nest", "Operation", "lift", "Nested_under", "k"),
			record{"k": "v"}, record{"k": "v"}},
		{"nest by wildcard, prefix removed", filter("Name", "nest", "Operation", "nest", "Wildcard", "p_*", "Nest_under", "k", "Remove_prefix", "p_"),
			record{"a": "1", "p_x": "2", "p_y": "3"}, record{"a": "1", "k": record{"x": "2", "y": "3"}}},
		{"nest of nothing adds no map", filter("Name", "nest", "Operation", "nest", "Wildcard", "p_*", "Nest_under", "k"),
			record{"a": "1"}, record{"a": "1"}},
		{"nest of an exact key", filter("Name", "nest", "Operation", "nest", "Wildcard", "p", "Nest_under", "k"),
			record{"p": "1", "p2": "2"}, record{"p2": "2", "k": record{"p": "1"}}},
		{"Hard_copy overwrites", filter("Name", "modify", "Hard_copy", "a b"), record{"a": "1", "b": "2"}, record{"a": "1", "b": "1"}},
		{"Hard_copy of a missing key", filter("Name", "modify", "Hard_copy", "a b"), record{"b": "2"}, record{"b": "2"}},
		{"Copy keeps the target", filter("Name", "modify", "Copy", "a b"), record{"a": "1", "b": "2"}, record{"a": "1", "b": "2"}},
		{"Copy to a new key", filter("Name", "modify", "Copy", "a b"), record{"a": "1"}, record{"a": "1", "b": "1"}},
		{"Rename keeps the target", filter("Name", "modify", "Rename", "a b"), record{"a": "1", "b": "2"}, record{"a": "1", "b": "2"}},
		{"Rename", filter("Name", "modify", "Rename", "a b"), record{"a": "1"}, record{"b": "1"}},
		{"rules in order", filter("Name", "modify", "Rename", "a b", "Hard_copy", "c a"), record{"a": "1", "c": "3"}, record{"a": "3", "b": "1", "c": "3"}},
		{"a value condition on a missing key fails", filter("Name", "modify", "Condition", "Key_value_does_not_match a ^x$", "Set", "b 1"), record{}, record{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := simulate(t, []fluentBitSection{tc.filter, section("OUTPUT", "Name", "stdout", "Match", "*", "log_group_name", "-")}, "t", tc.in, nil)
			if len(got) != 1 || !reflect.DeepEqual(got[0].record, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// pod is the kubernetes filter's metadata of a pod in namespace ns.
func pod(ns string) record {
	return record{"namespace_name": ns, "pod_name": ns + "-7d9f-x2v", "container_name": ns, "container_image": "example/" + ns + ":1", "host": "ip-10-0-1-1"}
}

// inPod is a container line of namespace ns: its JSON fields, merged at
// the top level, and the pod's metadata.
func inPod(ns string, fields ...string) record {
	r := record{"kubernetes": pod(ns)}
	for i := 0; i+1 < len(fields); i += 2 {
		r[fields[i]] = fields[i+1]
	}
	return r
}

// TestLogRouting: every line reaches the archive exactly once, under its
// pod's namespace; lines of an alerting level from a service's namespace
// are also copied to the alerting log group; and each carries the
// cluster's name (and a node line its source), which the metric filters'
// dimensions and the Firehose partitions read.
func TestLogRouting(t *testing.T) {
	const appTag = "application.var.log.containers.checkout-7d9f_checkout_checkout-0a1b.log"
	archived := []string{"kinesis_firehose:prd-app-logs"}
	alerted := []string{"cloudwatch_logs:/platform/prd/alerting", "kinesis_firehose:prd-app-logs"}
	for _, tc := range []struct {
		name   string
		routes LogRoutes
		tag    string
		record record
		want   []string // output:destination
		source string
		// service is the archived line's service partition ("" for node lines).
		service string
	}{
		{"ERROR line alerts and is archived", prdRoutes, appTag, inPod("checkout", "level", "ERROR", "service", "checkout"), alerted, "", "checkout"},
		{"zap's lowercase error", prdRoutes, appTag, inPod("checkout", "level", "error"), alerted, "", "checkout"},
		{"Serilog's Fatal", prdRoutes, appTag, inPod("checkout", "level", "Fatal"), alerted, "", "checkout"},
		{"Python's CRITICAL", prdRoutes, appTag, inPod("api-gateway", "level", "CRITICAL"), alerted, "", "api-gateway"},
		{"INFO only archived", prdRoutes, appTag, inPod("checkout", "level", "INFO"), archived, "", "checkout"},
		{"WARN not alerting unless configured", prdRoutes, appTag, inPod("checkout", "level", "WARN"), archived, "", "checkout"},
		{"WARNING when WARN alerts", LogRoutes{AlertingLevels: []string{"WARN"}, AlertingLogGroup: "/platform/dev/alerting", AppStream: "dev-app-logs", NodeStream: "dev-node-logs"},
			appTag, inPod("checkout", "level", "WARNING"),
			[]string{"cloudwatch_logs:/platform/dev/alerting", "kinesis_firehose:dev-app-logs"}, "", "checkout"},
		// A service is where it runs: its partition and its alarm
		// dimension, whatever it writes in its service field.
		{"a line claiming another service", prdRoutes, appTag, inPod("checkout", "level", "ERROR", "service", "members"), alerted, "", "checkout"},
		{"a line writing service and app_service", prdRoutes, appTag, inPod("checkout", "level", "ERROR", "service", "members", "app_service", "members-v2"), alerted, "", "checkout"},
		{"a line posing as lifted metadata", prdRoutes, appTag, inPod("checkout", "level", "ERROR", lifted+"namespace_name", "members"), alerted, "", "checkout"},
		{"a new service needs no list", prdRoutes, appTag, inPod("loyalty", "level", "ERROR"), alerted, "", "loyalty"},
		// The platform's own namespaces are archived but page nobody and
		// add no dimension to the metric filters.
		{"kube-system's ERROR", prdRoutes, appTag, inPod("kube-system", "level", "ERROR", "service", "coredns"), archived, "", "kube-system"},
		{"the shipper's own ERROR", prdRoutes, "application.var.log.containers.fluent-bit-x_amazon-cloudwatch_fluent-bit-1.log", inPod("amazon-cloudwatch", "level", "error"), archived, "", "amazon-cloudwatch"},
		// Falco's events reach the alerting group through Falcosidekick
		// only: the shipper archives them, whatever fields they carry.
		{"a Falco event", prdRoutes, "application.var.log.containers.falco-x_falco_falco-1.log", inPod("falco", "rule", "Terminal shell in container", "priority", "Notice", "source", "syscall"), archived, "syscall", "falco"},
		{"a Falco line with an ERROR level", prdRoutes, "application.var.log.containers.falcosidekick-x_falco_falcosidekick-1.log", inPod("falco", "level", "ERROR", "msg", "CloudWatchLogs: AccessDenied"), archived, "", "falco"},
		{"a line that is not JSON", prdRoutes, appTag, inPod("checkout", "log", "panic: runtime error"), archived, "", "checkout"},
		{"a line without Kubernetes metadata", prdRoutes, appTag, record{"level": "ERROR", "service": "checkout"}, archived, "", logging.OtherService},
		{"a line without metadata posing as lifted metadata", prdRoutes, appTag, record{"level": "ERROR", lifted + "namespace_name": "checkout"}, archived, "", logging.OtherService},
		{"kubelet journal", prdRoutes, "dataplane.systemd.kubelet.service", record{"_SYSTEMD_UNIT": "kubelet.service", "MESSAGE": "error syncing pod", "level": "ERROR"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceDataplane, ""},
		{"aws-node container", prdRoutes, "dataplane.tail.var.log.containers.aws-node-x_kube-system_aws-node-1.log", record{"log": "ipamd error"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceDataplane, ""},
		{"kernel", prdRoutes, "host.dmesg", record{"MESSAGE": "Out of memory: Killed process"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceHost, ""},
		{"system journal", prdRoutes, "host.messages", record{"_SYSTEMD_UNIT": "sshd.service", "MESSAGE": "Accepted publickey", "SYSLOG_FACILITY": "3"},
			[]string{"kinesis_firehose:prd-node-logs"}, logging.NodeLogSourceHost, ""},
		// Lines another input ships already are not archived twice.
		{"kubelet in the journal's messages", prdRoutes, "host.messages", record{"_SYSTEMD_UNIT": "kubelet.service", "MESSAGE": "error syncing pod"}, nil, "", ""},
		{"kernel in the journal's messages", prdRoutes, "host.messages", record{"_TRANSPORT": "kernel", "MESSAGE": "oom"}, nil, "", ""},
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
				where := d.output + ":" + d.destination
				dests = append(dests, where)
				if d.record[logging.FieldCluster] != "prd-blue" {
					t.Errorf("%s gets no cluster field: %v", where, d.record)
				}
				if s, _ := text(d.record, logging.FieldSource); s != tc.source {
					t.Errorf("%s gets source %q, want %q", where, s, tc.source)
				}
				if s, _ := text(d.record, logging.FieldService); s != tc.service {
					t.Errorf("%s gets service %q, want %q", where, s, tc.service)
				}
				if tc.service == "" {
					continue
				}
				// The line's own service value is kept, under its own name
				// (unless it wrote that name too, which it keeps).
				own, wrote := tc.record[logging.FieldAppService]
				if !wrote {
					own, wrote = tc.record[logging.FieldService]
				}
				if got, has := d.record[logging.FieldAppService]; got != own || has != wrote {
					t.Errorf("%s gets app_service %v, want %v", where, got, own)
				}
				// The metadata is back as the kubernetes filter wrote it:
				// Athena reads kubernetes.pod_name, never a lifted key.
				if !reflect.DeepEqual(d.record["kubernetes"], tc.record["kubernetes"]) {
					t.Errorf("%s gets kubernetes %v, want %v", where, d.record["kubernetes"], tc.record["kubernetes"])
				}
				for k := range d.record {
					if strings.HasPrefix(k, lifted) {
						t.Errorf("%s gets the working key %s: %v", where, k, d.record)
					}
				}
			}
			slices.Sort(dests)
			if !slices.Equal(dests, tc.want) {
				t.Errorf("delivered to %v, want %v", dests, tc.want)
			}
		})
	}
}

// TestSystemNamespacesAreNamespaces: an entry that is not a namespace
// name would silently let that namespace alert.
func TestSystemNamespacesAreNamespaces(t *testing.T) {
	for _, n := range spec.PlatformNamespaces {
		if errs := validation.IsDNS1123Label(n.Name); len(errs) > 0 || n.Holds == "" {
			t.Errorf("system namespace %q: %v (holds %q)", n.Name, errs, n.Holds)
		}
		if !regexp.MustCompile(quietServices()).MatchString(n.Name) {
			t.Errorf("%s's lines would reach the alerting group", n.Name)
		}
	}
	if !regexp.MustCompile(quietServices()).MatchString(logging.OtherService) {
		t.Errorf("%s is not kept from alerting", logging.OtherService)
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
	err := (LogRoutes{AlertingLevels: []string{"DEBUG"}, AlertingLogGroup: "x", AppStream: "a b"}).Validate()
	for _, want := range []string{`alertingLevels[0]: must be one of [WARN ERROR FATAL], got "DEBUG"`, `appStream: must be a plain name, got "a b"`, `nodeStream: must be a plain name, got ""`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want %q", err, want)
		}
	}
}

// TestFalcoEventsKeepTheirShape: a Falco event reaches the archive with
// its own fields at the top level, as the falco_events table reads them
// (logging.FalcoEventColumns), with the shipper's cluster and the falco
// service partition, and no copy in the alerting group.
func TestFalcoEventsKeepTheirShape(t *testing.T) {
	// The record as the kubernetes filter leaves it: Falco's JSON line
	// merged into the top level (Merge_Log On, Keep_Log Off).
	event := record{
		"time": "2026-11-25T10:00:00.123456789Z", "rule": "Terminal shell in container", "priority": "Notice",
		"output":        "10:00:00.123456789: Notice A shell was spawned in a container with an attached terminal",
		"output_fields": map[string]any{"k8s.ns.name": "checkout", "k8s.pod.name": "checkout-1", "proc.cmdline": "bash", "proc.pid": 4242},
		"source":        "syscall", "tags": []any{"container", "shell", "mitre_execution"}, "hostname": "ip-10-130-1-1",
		"stream": "stdout", "kubernetes": pod(spec.FalcoNamespace),
	}
	var sections []fluentBitSection
	files := prdRoutes.FluentBitFiles()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		sections = append(sections, parseFluentBit(t, files[name])...)
	}
	got := simulate(t, sections, "application.var.log.containers.falco-x_falco_falco-1.log", event, map[string]string{"CLUSTER_NAME": "prd-blue"})
	if len(got) != 1 || got[0].output != "kinesis_firehose" {
		t.Fatalf("delivered to %v, want the app log stream alone", got)
	}
	r := got[0].record
	columns := map[string]bool{}
	for _, c := range logging.FalcoEventColumns {
		columns[c.Name] = true
	}
	for k, v := range event {
		if columns[k] && !reflect.DeepEqual(r[k], v) {
			t.Errorf("%s: archived %v, want Falco's %v", k, r[k], v)
		}
	}
	for _, k := range []string{"time", "rule", "priority", "output", "output_fields", "source", "tags", "hostname", logging.FieldCluster} {
		if !columns[k] {
			t.Errorf("falco_events has no column %s", k)
		}
		if _, ok := r[k]; !ok {
			t.Errorf("the archived event has no %s: %v", k, r)
		}
	}
	if r[logging.FieldService] != spec.FalcoNamespace {
		t.Errorf("service %v, want the falco partition", r[logging.FieldService])
	}
}
