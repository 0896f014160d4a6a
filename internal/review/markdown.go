package review

import (
	"fmt"
	"io"
	"strings"
)

var severityLabel = map[severity]string{
	sevDestructive: "🛑 destructive",
	sevReplace:     "⚠️ replace",
	sevRemove:      "➖ remove",
	sevChange:      "✏️ change",
	sevAdd:         "➕ add",
}

// WriteMarkdown writes the report: a summary line, then one section per
// stack with changes, dangerous changes first.
func (r Report) WriteMarkdown(w io.Writer, allowed bool) {
	fmt.Fprintf(w, "## Review of `%s`\n\n", r.Env)
	changed := 0
	for _, s := range r.Stacks {
		if len(s.Changes) > 0 {
			changed++
		}
	}
	switch {
	case changed == 0:
		fmt.Fprintf(w, "No changes: every stack of %s matches the baseline.\n", r.Env)
		return
	case r.Destructive() && allowed:
		fmt.Fprintln(w, "**Destructive changes, allowed for this change** (`allow-destructive`).")
	case r.Destructive():
		fmt.Fprintln(w, "**Destructive changes: this review fails.** A stateful or traffic-carrying resource would be replaced or deleted. If that is intended, label the pull request `allow-destructive`.")
	default:
		fmt.Fprintln(w, "No resource holding data or traffic is replaced or deleted.")
	}
	fmt.Fprintln(w)
	for _, s := range r.Stacks {
		if len(s.Changes) == 0 {
			continue
		}
		title := s.Name
		switch {
		case s.New:
			title += " (new stack)"
		case s.Gone:
			title += " (stack removed)"
		}
		fmt.Fprintf(w, "### %s\n\n", title)
		if s.PermissionsBroadened {
			fmt.Fprintln(w, "- ⚠️ **IAM permissions broadened**")
		}
		if s.SecurityGroupsChanged {
			fmt.Fprintln(w, "- ⚠️ **Security group rules changed**")
		}
		fmt.Fprintln(w, "| | resource | type | impact | properties |")
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
		for _, c := range s.Changes {
			var props []string
			for _, p := range c.Properties {
				props = append(props, fmt.Sprintf("%s (%s)", p.Name, strings.ToLower(strings.TrimPrefix(p.Impact, "WILL_"))))
			}
			impact := c.Impact
			if c.DeletionPolicy == "Retain" && c.deletes() {
				impact += ", retained"
			}
			fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s |\n", severityLabel[c.severity()], c.LogicalID, c.Type, impact, strings.Join(props, ", "))
		}
		fmt.Fprintln(w)
	}
}
