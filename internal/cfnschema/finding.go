package cfnschema

import "fmt"

// Finding is one place where a template breaks the schemas: what
// CloudFormation would reject on deploy.
type Finding struct {
	File      string // the template file, as the caller named it
	LogicalID string // the resource's logical id; empty for the template itself
	Type      string // the resource type
	CDKPath   string // the construct path (Metadata aws:cdk:path), when the template has it
	Path      string // e.g. Properties.DestinationOptions.fileFormat
	Message   string
}

func (f Finding) String() string {
	where := f.File
	if f.LogicalID != "" {
		where += ": " + f.LogicalID + " (" + f.Type
		if f.CDKPath != "" {
			where += ", " + f.CDKPath
		}
		where += ")"
	}
	if f.Path != "" {
		where += ": " + f.Path
	}
	return fmt.Sprintf("%s: %s", where, f.Message)
}

// Report is the result of checking one template.
type Report struct {
	// Findings are the problems to fix.
	Findings []Finding
	// Allowed are the findings an AllowList entry accepts, with that entry:
	// kept so that a test can prove every entry is still needed.
	Allowed []AllowedFinding
}

// AllowedFinding is a finding and the AllowList entry that accepts it.
type AllowedFinding struct {
	Finding
	Entry Allowance
}
