package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestSummarizeRefusesMixedValidation(t *testing.T) {
	s := func(d int) run { return run{wall: time.Duration(d) * time.Second, cpu: time.Second, validated: true} }
	cases := []benchCase{prd, peer}
	var out strings.Builder
	if err := summarize(&out, cases, [][]run{{s(4), s(5), s(6)}, {s(5), s(6), s(7)}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "prd / peer                    0.83x wall") {
		t.Errorf("summary lacks prd / peer at 5/6:\n%s", out.String())
	}
	mixed := [][]run{{s(4), {wall: time.Second}}, {s(5), s(5)}}
	if err := summarize(io.Discard, cases, mixed); err == nil || !strings.Contains(err.Error(), "not comparable") {
		t.Errorf("summarize = %v, want the cases refused as not comparable", err)
	}
}
