package benchstat

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{7}, 7},
		{[]time.Duration{3, 1, 2}, 2},
		{[]time.Duration{4, 1, 2, 3}, 2}, // (2+3)/2 in integer nanoseconds
		{[]time.Duration{10, 1, 1, 1, 100}, 1},
	} {
		in := append([]time.Duration(nil), tc.in...)
		if got := Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.in[i] {
				t.Errorf("Median reordered its argument: %v", tc.in)
			}
		}
	}
}
