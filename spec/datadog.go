package spec

import "regexp"

// DatadogNamespace is where the Datadog Agent and Cluster Agent run.
const DatadogNamespace = "datadog"

// DatadogSites are the Datadog sites an Agent may send to
// (https://docs.datadoghq.com/getting_started/site/).
var DatadogSites = []string{"datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com"}

// DefaultDatadogSite is the site of an organization that names none: US1,
// the Agent's own default.
const DefaultDatadogSite = "datadoghq.com"

// DefaultDatadogApiKeyField is the JSON field of the API key in a secret of
// Secrets Manager's DatadogApiKey type ({"apiKey": ..., "apiKeyId": ...}).
const DefaultDatadogApiKeyField = "apiKey"

var (
	// A secret's full ARN: its name and the 6 characters Secrets Manager
	// appends, so that a policy on it names that secret and no other.
	secretArnPattern = regexp.MustCompile(`^arn:aws:secretsmanager:([a-z0-9-]+):([0-9]{12}):secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)
	jsonFieldPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,128}$`)
)

// ParseSecretArn reads the region and account of a Secrets Manager
// secret's full ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>);
// ok is false for anything else, a name or a partial ARN among them: an
// IAM policy on a partial ARN matches every secret it prefixes.
func ParseSecretArn(arn string) (region, account string, ok bool) {
	m := secretArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// IsSecretJSONField reports whether s can name a field of a secret's JSON
// value (the secret handle ENC[<arn>;<field>] the Agents resolve).
func IsSecretJSONField(s string) bool { return jsonFieldPattern.MatchString(s) }
