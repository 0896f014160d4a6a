package logging

import (
	"fmt"
	"slices"
	"strings"
)

// DateFormat is the one date format of date partitions, in Firehose's and
// Athena's projection syntax alike.
const DateFormat = "yyyy-MM-dd"

// PartitionKey is one level of a log layout's key prefix.
type PartitionKey struct {
	// Name is the key, as it appears in the S3 prefix (name=value/) and as
	// the Glue partition column.
	Name string
	// RecordField is the record's JSON field whose value partitions it
	// (Firehose dynamic partitioning); empty means the arrival date.
	RecordField string
	// Values are a record-field key's values, when they are a short fixed
	// set: Athena projects them as an enum, and a query may read them all.
	// Without Values the key is projected as injected: any value the
	// records hold is read, no list to keep up to date, but every query
	// must name the values it reads (see Layout.Projection).
	// @default - injected
	Values []string
}

// Layout is where a stream writes in the archive and how Athena reads it
// back: the Firehose prefix and the Glue table's location and projection
// are all derived from it, so they cannot disagree.
type Layout struct {
	// Root is the prefix under the bucket, e.g. "logs/app/" (ends with /).
	Root string
	// Keys are the partition levels, outermost first.
	Keys []PartitionKey
}

func (l Layout) validate() error {
	if !strings.HasSuffix(l.Root, "/") || strings.HasPrefix(l.Root, "/") {
		return fmt.Errorf("layout root must be a relative prefix ending in /, got %q", l.Root)
	}
	for _, k := range l.Keys {
		if k.RecordField == "" && len(k.Values) > 0 {
			return fmt.Errorf("layout key %s: a date key takes no values, got %v", k.Name, k.Values)
		}
		for _, v := range k.Values {
			if v == "" || strings.Contains(v, ",") {
				return fmt.Errorf("layout key %s: values must be non-empty and free of commas, got %q", k.Name, v)
			}
		}
	}
	return nil
}

// FirehosePrefix is the stream's S3 prefix.
func (l Layout) FirehosePrefix() string {
	var b strings.Builder
	b.WriteString(l.Root)
	for _, k := range l.Keys {
		if k.RecordField != "" {
			fmt.Fprintf(&b, "%s=!{partitionKeyFromQuery:%s}/", k.Name, k.Name)
		} else {
			fmt.Fprintf(&b, "%s=!{timestamp:%s}/", k.Name, DateFormat)
		}
	}
	return b.String()
}

// ErrorPrefix is where the stream writes records it could not deliver or
// partition, apart from the data so that Athena never reads them.
func (l Layout) ErrorPrefix() string {
	return "errors/" + l.Root + "!{firehose:error-output-type}/dt=!{timestamp:" + DateFormat + "}/"
}

// LocationTemplate is the Glue storage.location.template under bucketURL
// ("s3://bucket/").
func (l Layout) LocationTemplate(bucketURL string) string {
	var b strings.Builder
	b.WriteString(bucketURL + l.Root)
	for _, k := range l.Keys {
		fmt.Fprintf(&b, "%s=${%s}/", k.Name, k.Name)
	}
	return b.String()
}

// MetadataExtractionQuery is the JQ query Firehose runs to find the
// record-field keys, or "" when the layout has none.
func (l Layout) MetadataExtractionQuery() string {
	var fields []string
	for _, k := range l.Keys {
		if k.RecordField != "" {
			fields = append(fields, fmt.Sprintf("%s:.%s", k.Name, k.RecordField))
		}
	}
	if len(fields) == 0 {
		return ""
	}
	return "{" + strings.Join(fields, ",") + "}"
}

// Projection is the Athena partition projection table parameters
// ("Supported types for partition projection", Amazon Athena User Guide,
// https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html):
//
//   - a date key is projected as type date, from since to NOW, a day apart;
//   - a record-field key with Values as type enum over them;
//   - a record-field key without Values as type injected: Athena reads the
//     partitions a query names and no others, so every query on the table
//     must give the key's values as static equality conditions, e.g.
//     WHERE service = 'members' or WHERE service IN ('members', 'checkout');
//     a query that names none fails with CONSTRAINT_VIOLATION. That is the
//     price of a partition set nobody lists: the app log's service key
//     grows with every service, and no table change is needed for one.
func (l Layout) Projection(bucketURL string, since string) map[string]string {
	p := map[string]string{
		"projection.enabled":        "true",
		"storage.location.template": l.LocationTemplate(bucketURL),
	}
	for _, k := range l.Keys {
		if k.RecordField != "" && len(k.Values) == 0 {
			p["projection."+k.Name+".type"] = "injected"
			continue
		}
		if k.RecordField != "" {
			p["projection."+k.Name+".type"] = "enum"
			p["projection."+k.Name+".values"] = strings.Join(k.Values, ",")
			continue
		}
		p["projection."+k.Name+".type"] = "date"
		p["projection."+k.Name+".format"] = DateFormat
		p["projection."+k.Name+".range"] = since + ",NOW"
		p["projection."+k.Name+".interval"] = "1"
		p["projection."+k.Name+".interval.unit"] = "DAYS"
	}
	return p
}

// Within is the layout of one value of the layout's outermost key: its
// root is that partition's prefix (logs/app/service=falco/) and its keys
// are the rest. A table over it reads that partition alone, with no
// condition on the key in its queries. The key must be a record-field key
// and value a plain path segment.
func (l Layout) Within(key, value string) (Layout, error) {
	if len(l.Keys) == 0 || l.Keys[0].Name != key || l.Keys[0].RecordField == "" {
		return Layout{}, fmt.Errorf("layout %s: %s is not its outermost record-field key", l.Root, key)
	}
	if value == "" || strings.ContainsAny(value, "/=$!{}") {
		return Layout{}, fmt.Errorf("layout %s: %s=%q is not a plain partition value", l.Root, key, value)
	}
	if k := l.Keys[0]; len(k.Values) > 0 && !slices.Contains(k.Values, value) {
		return Layout{}, fmt.Errorf("layout %s: %s takes %v, not %q", l.Root, key, k.Values, value)
	}
	return Layout{Root: l.Root + key + "=" + value + "/", Keys: slices.Clone(l.Keys[1:])}, nil
}
