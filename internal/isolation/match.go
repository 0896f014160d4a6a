package isolation

import "strings"

// match tells whether s matches an IAM pattern: * is any run of
// characters (/ and : included), ? any one character, everything else
// itself.
func match(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// dataPlane are the namespaces whose actions a service role may never
// have on Resource "*".
var dataPlane = []string{"dynamodb", "rds-db", "secretsmanager", "ecr", "s3", "kms"}

// coveredActions are the statement's actions of namespace ns: those of
// its Action, or (for a NotAction) a description of all it leaves.
func coveredActions(actions []string, not bool, ns string) []string {
	var out []string
	for _, a := range actions {
		prefix, name, _ := strings.Cut(a, ":")
		if a == "*" || match(strings.ToLower(prefix), ns) {
			if not && (a == "*" || name == "*") {
				return nil
			}
			out = append(out, a)
		}
	}
	if not {
		return []string{ns + ":* but " + strings.Join(actions, ", ")}
	}
	return out
}
