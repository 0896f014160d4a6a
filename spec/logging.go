package spec

import "strings"

// levelTable is the one table of the log levels that may alert, least
// severe first, with the names logging libraries give them: WARN and FATAL
// (log4j, logback, zap), WARNING and CRITICAL (Python), Warning and Fatal
// (Serilog, the .NET services). Each name counts in upper, lower and title
// case.
var levelTable = []struct {
	level string
	names []string
}{
	{"WARN", []string{"WARN", "WARNING"}},
	{"ERROR", []string{"ERROR"}},
	{"FATAL", []string{"FATAL", "CRITICAL"}},
}

// Levels are the log levels that may alert, least severe first.
var Levels = func() []string {
	out := make([]string, len(levelTable))
	for i, l := range levelTable {
		out[i] = l.level
	}
	return out
}()

// LevelSpellings are the values of the level field that count as level
// (for ERROR: ERROR, error, Error). The shipper's routing and the metric
// filters both match exactly these; an unknown level has none.
func LevelSpellings(level string) []string {
	var out []string
	for _, l := range levelTable {
		if l.level != level {
			continue
		}
		for _, n := range l.names {
			lower := strings.ToLower(n)
			out = append(out, strings.ToUpper(n), lower, strings.ToUpper(lower[:1])+lower[1:])
		}
	}
	return out
}

// ObservabilityNamespace and ObservabilityServiceAccount are where the
// amazon-cloudwatch-observability add-on runs Fluent Bit and the CloudWatch
// agent: a system namespace, never a service's.
const (
	ObservabilityNamespace      = "amazon-cloudwatch"
	ObservabilityServiceAccount = "cloudwatch-agent"
)

// ContainerInsightsLogGroup is the name of one of a cluster's Container
// Insights log groups (e.g. "performance"), as the CloudWatch agent names
// it; name "*" matches them all in a key policy.
func ContainerInsightsLogGroup(cluster, name string) string {
	return "/aws/containerinsights/" + cluster + "/" + name
}

// FalcoNamespace is the namespace Falco and Falcosidekick run in: their
// stdout lines, Falco's JSON events among them, are archived by the log
// shipper under the app log stream's service=falco partition.
const FalcoNamespace = "falco"

// falcoPriorityTable is the one table of Falco's rule priorities, most
// severe first: the name Falco's and Falcosidekick's configurations take
// (falco.yaml priority, Falcosidekick's minimumpriority), and the spelling
// Falco writes in an event's priority field (falco_common::format_priority).
var falcoPriorityTable = []struct{ name, event string }{
	{"emergency", "Emergency"},
	{"alert", "Alert"},
	{"critical", "Critical"},
	{"error", "Error"},
	{"warning", "Warning"},
	{"notice", "Notice"},
	{"informational", "Informational"},
	{"debug", "Debug"},
}

// FalcoPriorities are Falco's rule priorities as configuration names them,
// most severe first.
var FalcoPriorities = func() []string {
	out := make([]string, len(falcoPriorityTable))
	for i, p := range falcoPriorityTable {
		out[i] = p.name
	}
	return out
}()

// FalcoEventPriorities are the priority field values of the events at or
// above min (a name of FalcoPriorities), most severe first; none for an
// unknown min.
func FalcoEventPriorities(min string) []string {
	var out []string
	for _, p := range falcoPriorityTable {
		out = append(out, p.event)
		if p.name == min {
			return out
		}
	}
	return nil
}

// RetentionPeriod is one retention period CloudWatch Logs accepts
// (PutRetentionPolicy retentionInDays).
type RetentionPeriod struct {
	Days int
	// CDKName is the period's member of aws-cdk-lib's awslogs.RetentionDays,
	// which the constructs convert it to when they build.
	CDKName string
}

// RetentionPeriods is the one table of the retention periods CloudWatch
// Logs accepts, ascending.
var RetentionPeriods = []RetentionPeriod{
	{1, "ONE_DAY"}, {3, "THREE_DAYS"}, {5, "FIVE_DAYS"},
	{7, "ONE_WEEK"}, {14, "TWO_WEEKS"}, {30, "ONE_MONTH"},
	{60, "TWO_MONTHS"}, {90, "THREE_MONTHS"}, {120, "FOUR_MONTHS"},
	{150, "FIVE_MONTHS"}, {180, "SIX_MONTHS"}, {365, "ONE_YEAR"},
	{400, "THIRTEEN_MONTHS"}, {545, "EIGHTEEN_MONTHS"}, {731, "TWO_YEARS"},
	{1096, "THREE_YEARS"}, {1827, "FIVE_YEARS"}, {2192, "SIX_YEARS"},
	{2557, "SEVEN_YEARS"}, {2922, "EIGHT_YEARS"}, {3288, "NINE_YEARS"},
	{3653, "TEN_YEARS"},
}

// RetentionDaysAccepted are the retention periods, in days, that CloudWatch
// Logs accepts; config validation offers exactly these.
func RetentionDaysAccepted() []int {
	out := make([]int, len(RetentionPeriods))
	for i, r := range RetentionPeriods {
		out[i] = r.Days
	}
	return out
}

// RetentionAtLeast is the smallest accepted retention that keeps logs at
// least days long: asking for 100 days keeps them 120, never fewer than
// asked; past the longest, the longest.
func RetentionAtLeast(days int) RetentionPeriod {
	for _, r := range RetentionPeriods {
		if r.Days >= days {
			return r
		}
	}
	return RetentionPeriods[len(RetentionPeriods)-1]
}
