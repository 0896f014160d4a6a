package test

import (
	"fmt"
	"strings"
)

// lineDiff is a unified-style diff of two texts with a few lines of
// context: what a reviewer reads when a snapshot drifts. It compares by
// longest common subsequence of lines, which golden templates (a few
// thousand lines) afford.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
		at   int // line number in the golden file
	}
	var ops []line
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, line{' ', a[i], i + 1})
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, line{'+', b[j], i + 1})
			j++
		default:
			ops = append(ops, line{'-', a[i], i + 1})
			i++
		}
	}
	const context = 3
	var out strings.Builder
	last := -1
	for k, op := range ops {
		if op.op == ' ' {
			continue
		}
		from := max(k-context, last+1)
		if from > last+1 && last >= 0 {
			out.WriteString("...\n")
		}
		if from > last+1 || last < 0 {
			fmt.Fprintf(&out, "@@ golden line %d @@\n", ops[from].at)
		}
		for x := from; x <= min(k+context, len(ops)-1); x++ {
			if x <= last {
				continue
			}
			fmt.Fprintf(&out, "%c %s\n", ops[x].op, ops[x].text)
			last = x
		}
	}
	return out.String()
}
