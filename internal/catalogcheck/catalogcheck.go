// Package catalogcheck proves, on a synthesized template, that each Glue
// table reads exactly what its Firehose stream writes. The construct tests
// and the whole-app tests both run it: a table that drifts from its stream
// answers every Athena query with nothing, and nothing else would notice.
package catalogcheck

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Resources is a template's Resources section as decoded JSON.
type Resources map[string]any

func (r Resources) ofType(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, v := range r {
		res, _ := v.(map[string]any)
		if res["Type"] == typ {
			props, _ := res["Properties"].(map[string]any)
			out[id] = props
		}
	}
	return out
}

// Streams are the template's Firehose streams' S3 destinations by stream name.
func (r Resources) Streams() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, p := range r.ofType("AWS::KinesisFirehose::DeliveryStream") {
		name, _ := p["DeliveryStreamName"].(string)
		dest, _ := p["ExtendedS3DestinationConfiguration"].(map[string]any)
		out[name] = dest
	}
	return out
}

// Tables are the template's Glue tables' TableInput by table name.
func (r Resources) Tables() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, p := range r.ofType("AWS::Glue::Table") {
		in, _ := p["TableInput"].(map[string]any)
		name, _ := in["Name"].(string)
		out[name] = in
	}
	return out
}

var firehoseExpr = regexp.MustCompile(`!\{(partitionKeyFromQuery:([a-z_]+)|timestamp:([^}]+))\}`)

// TableReadsStream reports every way the table disagrees with the stream:
// the stream's prefix with each !{...} replaced by the projected ${key} must
// be the table's storage.location.template, on the stream's bucket, with
// the same date format, every partition key projected in the order the
// prefix nests them, and the table's location the prefix's root.
//
// A key the stream takes from the record (partitionKeyFromQuery) must be
// one its metadata extraction query extracts, and be projected as an enum
// of its values or as injected (Athena then reads whatever values a query
// names: no list to drift); a date key as a date.
//
// A table may read one partition of a record-field key (logging.Table's
// Within): its location names that key's value where the stream's prefix
// has the key, e.g. logs/app/service=falco/ for the prefix's
// logs/app/service=!{partitionKeyFromQuery:service}/; the key is then no
// partition of the table, and its location is that partition's prefix.
func TableReadsStream(table, stream map[string]any) []string {
	var problems []string
	prefix, _ := stream["Prefix"].(string)
	params, _ := table["Parameters"].(map[string]any)
	prefix = pinPartitions(prefix, Render(params["storage.location.template"]))
	extracted := extractedKeys(stream)
	var keyOrder []string
	want := firehoseExpr.ReplaceAllStringFunc(prefix, func(m string) string {
		g := firehoseExpr.FindStringSubmatch(m)
		if key := g[2]; key != "" {
			keyOrder = append(keyOrder, key)
			if !slices.Contains(extracted, key) {
				problems = append(problems, fmt.Sprintf("%s: the stream's prefix reads it, its metadata extraction query extracts %v", key, extracted))
			}
			switch typ := params["projection."+key+".type"]; typ {
			case "injected":
			case "enum":
				if v, _ := params["projection."+key+".values"].(string); v == "" {
					problems = append(problems, fmt.Sprintf("%s: an enum projection without values reads nothing", key))
				}
			default:
				problems = append(problems, fmt.Sprintf("%s: the stream writes a record's value, the projection is %v (want injected or enum)", key, typ))
			}
			return "${" + key + "}"
		}
		// A timestamp: its key is the name before "=".
		before := prefix[:strings.Index(prefix, m)]
		key := before[strings.LastIndex(before, "/")+1 : len(before)-1]
		keyOrder = append(keyOrder, key)
		if typ := params["projection."+key+".type"]; typ != "date" {
			problems = append(problems, fmt.Sprintf("%s: the stream writes dates, the projection is %v", key, typ))
		}
		if params["projection."+key+".format"] != g[3] {
			problems = append(problems, fmt.Sprintf("%s: the stream writes dates as %s, the projection reads %v", key, g[3], params["projection."+key+".format"]))
		}
		return "${" + key + "}"
	})
	bucket := Render(stream["BucketARN"])
	bucket = strings.TrimSuffix(strings.TrimPrefix(bucket, "<"), ".Arn>")
	if loc := Render(params["storage.location.template"]); loc != "s3://<"+bucket+">/"+want {
		problems = append(problems, fmt.Sprintf("storage.location.template is %s, the stream writes s3://<%s>/%s", loc, bucket, want))
	}
	var partitions []string
	keys, _ := table["PartitionKeys"].([]any)
	for _, k := range keys {
		name, _ := k.(map[string]any)["Name"].(string)
		partitions = append(partitions, name)
		if params["projection."+name+".type"] == nil {
			problems = append(problems, fmt.Sprintf("partition %s is not projected", name))
		}
	}
	if !slices.Equal(partitions, keyOrder) {
		problems = append(problems, fmt.Sprintf("the table's partitions are %v, the stream writes keys %v", partitions, keyOrder))
	}
	if params["projection.enabled"] != "true" {
		problems = append(problems, "partition projection is disabled")
	}
	root := prefix
	if i := strings.Index(prefix, "!{"); i >= 0 {
		root = prefix[:strings.LastIndex(prefix[:i], "/")+1]
	}
	sd, _ := table["StorageDescriptor"].(map[string]any)
	if loc := Render(sd["Location"]); loc != "s3://<"+bucket+">/"+root {
		problems = append(problems, fmt.Sprintf("the table's location %s is not the stream's root s3://<%s>/%s", loc, bucket, root))
	}
	return problems
}

var (
	recordKey = regexp.MustCompile(`([a-z_]+)=!\{partitionKeyFromQuery:([a-z_]+)\}/`)
	pinnedKey = regexp.MustCompile(`^[^$/=!{}]+$`)
)

// pinPartitions replaces each record-field key of a stream's prefix whose
// value the table's location names (key=value/, not key=${key}/) by that
// value: the prefix of the partition the table reads.
func pinPartitions(prefix, location string) string {
	return recordKey.ReplaceAllStringFunc(prefix, func(m string) string {
		key := recordKey.FindStringSubmatch(m)[1]
		i := strings.Index(location, "/"+key+"=")
		if i < 0 {
			return m
		}
		value := location[i+len(key)+2:]
		value = value[:max(strings.Index(value, "/"), 0)]
		if !pinnedKey.MatchString(value) {
			return m
		}
		return key + "=" + value + "/"
	})
}

var extractionKey = regexp.MustCompile(`([a-z_]+):`)

// extractedKeys are the partition keys the stream's metadata extraction
// query (a JQ object such as {service:.service}) extracts.
func extractedKeys(stream map[string]any) []string {
	var keys []string
	pc, _ := stream["ProcessingConfiguration"].(map[string]any)
	procs, _ := pc["Processors"].([]any)
	for _, p := range procs {
		params, _ := p.(map[string]any)["Parameters"].([]any)
		for _, param := range params {
			param, _ := param.(map[string]any)
			if param["ParameterName"] != "MetadataExtractionQuery" {
				continue
			}
			q, _ := param["ParameterValue"].(string)
			for _, m := range extractionKey.FindAllStringSubmatch(q, -1) {
				keys = append(keys, m[1])
			}
		}
	}
	return keys
}

// Render turns a template value (a string, a Ref, a GetAtt, an ImportValue
// or an Fn::Join of them) into text: a Ref shows as <LogicalId>, a GetAtt
// as <Id.Attr>, an import as <import:ExportName>.
func Render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok {
			return "<" + ref + ">"
		}
		if imp, ok := x["Fn::ImportValue"].(string); ok {
			return "<import:" + imp + ">"
		}
		if ga, ok := x["Fn::GetAtt"].([]any); ok && len(ga) == 2 {
			return fmt.Sprintf("<%v.%v>", ga[0], ga[1])
		}
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			var parts []string
			items, _ := j[1].([]any)
			for _, p := range items {
				parts = append(parts, Render(p))
			}
			sep, _ := j[0].(string)
			return strings.Join(parts, sep)
		}
	}
	return fmt.Sprint(v)
}
