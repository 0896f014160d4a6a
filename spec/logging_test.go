package spec

import (
	"slices"
	"testing"
)

// TestLevelSpellings: the names services actually log a level under
// (log4j's WARN, Python's WARNING and CRITICAL, Serilog's Error, zap's
// error) all count, and nothing below the level does.
func TestLevelSpellings(t *testing.T) {
	for _, tc := range []struct {
		level     string
		counts    []string
		notCounts []string
	}{
		{"WARN", []string{"WARN", "warn", "Warn", "WARNING", "warning", "Warning"}, []string{"INFO", "ERROR"}},
		{"ERROR", []string{"ERROR", "error", "Error"}, []string{"ERR", "WARN", "FATAL", "eRROR"}},
		{"FATAL", []string{"FATAL", "fatal", "Fatal", "CRITICAL", "critical", "Critical"}, []string{"ERROR", "PANIC"}},
		{"DEBUG", nil, []string{"DEBUG", "debug"}},
	} {
		t.Run(tc.level, func(t *testing.T) {
			got := LevelSpellings(tc.level)
			for _, s := range tc.counts {
				if !slices.Contains(got, s) {
					t.Errorf("%q does not count as %s (spellings %v)", s, tc.level, got)
				}
			}
			for _, s := range tc.notCounts {
				if slices.Contains(got, s) {
					t.Errorf("%q counts as %s", s, tc.level)
				}
			}
		})
	}
}

// TestFalcoEventPriorities: a minimum priority counts itself and every
// more severe priority, in the spelling Falco writes in its events.
func TestFalcoEventPriorities(t *testing.T) {
	for _, tc := range []struct {
		min  string
		want []string
	}{
		{"emergency", []string{"Emergency"}},
		{"warning", []string{"Emergency", "Alert", "Critical", "Error", "Warning"}},
		{"notice", []string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice"}},
		{"debug", []string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"}},
		{"Notice", nil},
		{"info", nil},
	} {
		t.Run(tc.min, func(t *testing.T) {
			if got := FalcoEventPriorities(tc.min); !slices.Equal(got, tc.want) {
				t.Errorf("FalcoEventPriorities(%q) = %v, want %v", tc.min, got, tc.want)
			}
		})
	}
}

// TestRetentionAtLeast: a retention is never shorter than asked, and is
// the shortest CloudWatch Logs accepts that is not.
func TestRetentionAtLeast(t *testing.T) {
	for _, tc := range []struct{ days, want int }{
		{1, 1}, {2, 3}, {90, 90}, {100, 120}, {365, 365}, {3653, 3653}, {5000, 3653},
	} {
		if got := RetentionAtLeast(tc.days).Days; got != tc.want {
			t.Errorf("RetentionAtLeast(%d) = %d days, want %d", tc.days, got, tc.want)
		}
	}
}
