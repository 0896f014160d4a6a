// Package benchstat is what the benchmarks (bin/bench, bin/benchservices)
// compute from their timed runs.
package benchstat

import (
	"slices"
	"time"
)

// Median is the middle run, or the mean of the two middle ones; a median
// rather than a mean so that one run slowed by the machine's other work
// does not move it.
func Median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}
