package envs

// Defaults applied to fields a config leaves unset.
const (
	DefaultNodeDiskSizeGiB = 50
)

// SetDefaults fills the fields a config may leave out. It runs before
// validation, so validation sees the values the app will use.
func SetDefaults(c *Config) {
	if c.Edge.ApiGateway.HealthCheckPath == "" {
		c.Edge.ApiGateway.HealthCheckPath = "/healthz"
	}
	if c.Edge.Waf.RateWindowSeconds == 0 {
		c.Edge.Waf.RateWindowSeconds = 300
	}
	l := &c.Logging
	for field, def := range map[*int]int{
		&l.Archive.InfrequentAccessAfterDays: 30, &l.Archive.GlacierAfterDays: 90, &l.Archive.ExpireAfterDays: 400,
		&l.BufferIntervalSeconds: 300, &l.BufferSizeMiB: 64, &l.AthenaBytesScannedCutoffGiB: 100,
		&c.Monitoring.CanaryEveryMinutes: 5, &c.Monitoring.Max5xxPerFiveMinutes: 25, &c.Monitoring.MaxWafBlockedPerFiveMinutes: 1000,
		&c.Monitoring.MaxNodeUtilizationPercent:  80,
		&c.Monitoring.AlertingLogs.RetentionDays: 90, &c.Monitoring.AlertingLogs.MaxErrorsPerFiveMinutes: 10,
	} {
		if *field == 0 {
			*field = def
		}
	}
	al := &c.Monitoring.AlertingLogs
	if len(al.Levels) == 0 {
		al.Levels = []LogLevel{"ERROR", "FATAL"}
	}
	for i := range al.Alarms {
		if al.Alarms[i].Level == "" {
			al.Alarms[i].Level = "ERROR"
		}
	}
	if c.Delivery.GitHubEnvironment == "" {
		c.Delivery.GitHubEnvironment = c.Name
	}
	if c.Delivery.CdkQualifier == "" {
		c.Delivery.CdkQualifier = "hnb659fds"
	}
	for i := range c.Clusters {
		for j := range c.Clusters[i].NodeGroups {
			g := &c.Clusters[i].NodeGroups[j]
			if g.State == "" {
				g.State = NodeGroupActive
			}
			if g.CapacityType == "" {
				g.CapacityType = OnDemand
			}
			if g.DiskSizeGiB == 0 {
				g.DiskSizeGiB = DefaultNodeDiskSizeGiB
			}
		}
	}
}
