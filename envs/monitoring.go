package envs

// Monitoring is how the on-call engineer learns of an outage first.
type Monitoring struct {
	// Slack is the channel every alarm goes to, through AWS Chatbot (the
	// workspace is authorized in the Chatbot console once per account).
	Slack Slack `json:"slack"`
	// CanaryEveryMinutes is how often each endpoint is checked. @default 5
	CanaryEveryMinutes int `json:"canaryEveryMinutes,omitempty" jsonschema:"minimum=1,maximum=60"`
	// Max5xxPerFiveMinutes alarms on more ALB or API gateway 5xx. @default 25
	Max5xxPerFiveMinutes int `json:"max5xxPerFiveMinutes,omitempty" jsonschema:"minimum=1"`
	// MaxWafBlockedPerFiveMinutes alarms on a spike of WAF blocks. @default 1000
	MaxWafBlockedPerFiveMinutes int `json:"maxWafBlockedPerFiveMinutes,omitempty" jsonschema:"minimum=1"`
}

// Slack is a Slack channel by its ids.
type Slack struct {
	WorkspaceID string `json:"workspaceId" jsonschema:"pattern=^[0-9A-Z]{1,255}$"`
	ChannelID   string `json:"channelId" jsonschema:"pattern=^[A-Za-z0-9]{1,255}$"`
}
