package logging

import "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

// retentionTable is the one table of the retention periods CloudWatch Logs
// accepts, ascending, with their aws-cdk-lib values.
var retentionTable = []struct {
	days  int
	value awslogs.RetentionDays
}{
	{1, awslogs.RetentionDays_ONE_DAY}, {3, awslogs.RetentionDays_THREE_DAYS}, {5, awslogs.RetentionDays_FIVE_DAYS},
	{7, awslogs.RetentionDays_ONE_WEEK}, {14, awslogs.RetentionDays_TWO_WEEKS}, {30, awslogs.RetentionDays_ONE_MONTH},
	{60, awslogs.RetentionDays_TWO_MONTHS}, {90, awslogs.RetentionDays_THREE_MONTHS}, {120, awslogs.RetentionDays_FOUR_MONTHS},
	{150, awslogs.RetentionDays_FIVE_MONTHS}, {180, awslogs.RetentionDays_SIX_MONTHS}, {365, awslogs.RetentionDays_ONE_YEAR},
	{400, awslogs.RetentionDays_THIRTEEN_MONTHS}, {545, awslogs.RetentionDays_EIGHTEEN_MONTHS}, {731, awslogs.RetentionDays_TWO_YEARS},
	{1096, awslogs.RetentionDays_THREE_YEARS}, {1827, awslogs.RetentionDays_FIVE_YEARS}, {2192, awslogs.RetentionDays_SIX_YEARS},
	{2557, awslogs.RetentionDays_SEVEN_YEARS}, {2922, awslogs.RetentionDays_EIGHT_YEARS}, {3288, awslogs.RetentionDays_NINE_YEARS},
	{3653, awslogs.RetentionDays_TEN_YEARS},
}

// RetentionDaysAccepted are the retention periods, in days, that CloudWatch
// Logs accepts; config validation offers exactly these.
func RetentionDaysAccepted() []int {
	out := make([]int, len(retentionTable))
	for i, r := range retentionTable {
		out[i] = r.days
	}
	return out
}

// Retention is the smallest accepted retention that keeps logs at least
// days long: asking for 100 days keeps them 120, never fewer than asked.
func Retention(days int) awslogs.RetentionDays {
	for _, r := range retentionTable {
		if r.days >= days {
			return r.value
		}
	}
	return awslogs.RetentionDays_TEN_YEARS
}
