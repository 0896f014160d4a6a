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
	sevPlanned:     "✅ planned removal",
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
		if s.PermissionsBroadened || s.SecurityGroupsChanged {
			// Markdown needs a blank line between a list and a table.
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "| | resource | type | impact | properties |")
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
		for _, c := range s.Changes {
			var props []string
			for _, p := range c.Properties {
				props = append(props, fmt.Sprintf("%s (%s)%s", p.Name, strings.ToLower(strings.TrimPrefix(p.Impact, "WILL_")), valuesCell(p.Values())))
			}
			impact := c.Impact
			if c.DeletionPolicy == "Retain" && c.deletes() {
				impact += ", retained"
			}
			if c.Planned != "" {
				impact += " (" + c.Planned + ")"
			}
			fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s |\n", severityLabel[c.severity()], c.LogicalID, c.Type, impact, strings.Join(props, ", "))
		}
		fmt.Fprintln(w)
	}
}

// maxValuesShown bounds the values listed for one property in a cell.
const maxValuesShown = 5

// valuesCell renders a property's changed values for a table cell.
func valuesCell(values []ValueChange) string {
	if len(values) == 0 {
		return ""
	}
	var parts []string
	for i, v := range values {
		if i == maxValuesShown {
			parts = append(parts, fmt.Sprintf("and %d more", len(values)-maxValuesShown))
			break
		}
		parts = append(parts, cellEscape(v.String()))
	}
	return ": " + strings.Join(parts, "; ")
}

// cellEscape keeps a value from breaking the table: pipes and newlines.
func cellEscape(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "`", "'")
}
