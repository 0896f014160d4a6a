package envs

// Defaults applied to fields a config leaves unset.
const (
	DefaultFlowLogRetentionDays = 365
)

// SetDefaults fills the fields a config may leave out. It runs before
// validation, so validation sees the values the app will use.
func SetDefaults(c *Config) {
	if c.Network.FlowLogRetentionDays == 0 {
		c.Network.FlowLogRetentionDays = DefaultFlowLogRetentionDays
	}
}
