package spec

import "regexp"

// parameterPath is a Systems Manager parameter name or path written with
// its leading slash: /segment[/segment...] of letters, digits and _ . -
// (PutParameter Name).
var parameterPath = regexp.MustCompile(`^(/[a-zA-Z0-9_.-]+)+$`)

// IsParameterPath reports whether s is an SSM parameter name or prefix of
// the form /a/b/c.
func IsParameterPath(s string) bool { return parameterPath.MatchString(s) }
