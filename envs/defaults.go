package envs

import "github.com/ecplatform/eks-platform/spec"

// Defaults applied to fields a config leaves unset.
const (
	DefaultNodeDiskSizeGiB = 50
	// DefaultServiceCidr is the clusters' Kubernetes service range unless
	// a cluster sets serviceCidr: EKS's own first choice, fixed here so
	// that it is validated against every range the env routes (EKS, left
	// to pick, knows only the VPC).
	DefaultServiceCidr = "10.100.0.0/16"
)

// intDefault is a whole-number field and the value it takes when the file
// leaves it out.
type intDefault struct {
	path  *Path
	field *int
	value int
}

// SetDefaults fills the fields a config leaves out. It runs before
// validation, so validation sees the values the app will use. A field the
// file sets, even to 0, keeps its value: validation reports it if it is
// out of range, instead of silently replacing it.
func SetDefaults(c *Config) {
	if c.Edge.ApiGateway.HealthCheckPath == "" {
		c.Edge.ApiGateway.HealthCheckPath = spec.DefaultHealthCheckPath
	}
	l, m := &c.Logging, &c.Monitoring
	lp, ap, mp := NewPath("logging"), NewPath("logging").Child("archive"), NewPath("monitoring")
	alp := mp.Child("alertingLogs")
	for _, d := range []intDefault{
		{NewPath("edge").Child("waf").Child("rateWindowSeconds"), &c.Edge.Waf.RateWindowSeconds, spec.DefaultWafRateWindowSeconds},
		{NewPath("edge").Child("maxWeightStep"), &c.Edge.MaxWeightStep, spec.DefaultMaxWeightStep},
		{ap.Child("infrequentAccessAfterDays"), &l.Archive.InfrequentAccessAfterDays, spec.DefaultArchiveInfrequentAccessAfterDays},
		{ap.Child("glacierAfterDays"), &l.Archive.GlacierAfterDays, spec.DefaultArchiveGlacierAfterDays},
		{ap.Child("expireAfterDays"), &l.Archive.ExpireAfterDays, spec.DefaultArchiveExpireAfterDays},
		{lp.Child("bufferIntervalSeconds"), &l.BufferIntervalSeconds, spec.DefaultFirehoseBufferIntervalSeconds},
		{lp.Child("bufferSizeMiB"), &l.BufferSizeMiB, spec.DefaultFirehoseBufferSizeMiB},
		{lp.Child("athenaBytesScannedCutoffGiB"), &l.AthenaBytesScannedCutoffGiB, spec.DefaultAthenaBytesScannedCutoffGiB},
		{lp.Child("nodeSessionLogs").Child("retentionDays"), &l.NodeSessionLogs.RetentionDays, spec.DefaultNodeSessionLogRetentionDays},
		{mp.Child("canaryEveryMinutes"), &m.CanaryEveryMinutes, spec.DefaultCanaryEveryMinutes},
		{mp.Child("max5xxPerFiveMinutes"), &m.Max5xxPerFiveMinutes, spec.DefaultMax5xxPerFiveMinutes},
		{mp.Child("maxWafBlockedPerFiveMinutes"), &m.MaxWafBlockedPerFiveMinutes, spec.DefaultMaxWafBlockedPerFiveMinutes},
		{mp.Child("maxNodeUtilizationPercent"), &m.MaxNodeUtilizationPercent, spec.DefaultMaxNodeUtilizationPercent},
		{alp.Child("retentionDays"), &m.AlertingLogs.RetentionDays, spec.DefaultAlertingLogRetentionDays},
		{mp.Child("performanceLogRetentionDays"), &m.PerformanceLogRetentionDays, spec.DefaultPerformanceLogRetentionDays},
		{alp.Child("maxErrorsPerFiveMinutes"), &m.AlertingLogs.MaxErrorsPerFiveMinutes, spec.DefaultMaxErrorsPerFiveMinutes},
	} {
		if *d.field == 0 && !c.present(d.path) {
			*d.field = d.value
		}
	}
	// On unless the file says otherwise: a platform team expects every
	// shell on a node to be audited, and none but through Session Manager.
	if !c.present(lp.Child("nodeSessionLogs").Child("enabled")) {
		l.NodeSessionLogs.Enabled = true
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
	if c.Security.Falco.MinPriority == "" {
		c.Security.Falco.MinPriority = DefaultFalcoMinPriority
	}
	if c.Logging.Archive.AuditLock == "" {
		c.Logging.Archive.AuditLock = AuditLockNone
	}
	if c.Delivery.GitHubEnvironment == "" {
		c.Delivery.GitHubEnvironment = c.Name
	}
	if c.Delivery.CdkQualifier == "" {
		c.Delivery.CdkQualifier = spec.DefaultCDKQualifier
	}
	setServiceDefaults(c)
	setMeshDefaults(c)
	for i := range c.Clusters {
		cl := &c.Clusters[i]
		if cl.State == "" {
			cl.State = ClusterActive
		}
		if cl.ServiceCidr == "" {
			cl.ServiceCidr = DefaultServiceCidr
		}
		for j := range cl.NodeGroups {
			g := &cl.NodeGroups[j]
			if g.State == "" {
				g.State = NodeGroupActive
			}
			if g.CapacityType == "" {
				g.CapacityType = OnDemand
			}
			gp := NewPath("clusters").Index(i).Child("nodeGroups").Index(j).Child("diskSizeGiB")
			if g.DiskSizeGiB == 0 && !c.present(gp) {
				g.DiskSizeGiB = DefaultNodeDiskSizeGiB
			}
		}
	}
}

// present reports whether the file sets the field at p to a value. A
// config built in code (no file) sets nothing, so every zero field takes
// its default.
func (c *Config) present(p *Path) bool { return c.src.sets(p) }

// setServiceDefaults fills each catalog entry: its service account takes
// its name, a stateless service says so, and an Aurora
// cluster gets the sizes and retention of the env it runs in.
func setServiceDefaults(c *Config) {
	for i := range c.Services {
		s := &c.Services[i]
		sp := NewPath("services").Index(i)
		if s.ServiceAccount == "" {
			s.ServiceAccount = s.Name
		}
		if s.Port == 0 && !c.present(sp.Child("port")) {
			s.Port = DefaultServicePort
		}
		d := &s.DataStore
		if d.Kind == "" {
			d.Kind = DataStoreNone
		}
		if a := d.Aurora; a != nil || d.Kind == DataStoreAurora {
			if a == nil {
				a = &Aurora{}
				d.Aurora = a
			}
			ap := sp.Child("dataStore").Child("aurora")
			if a.Capacity == "" {
				a.Capacity = AuroraServerless
			}
			if a.Capacity == AuroraServerless {
				if a.MinAcu == 0 && !c.present(ap.Child("minAcu")) {
					a.MinAcu = spec.DefaultAuroraMinAcu
				}
				if a.MaxAcu == 0 && !c.present(ap.Child("maxAcu")) {
					a.MaxAcu = spec.DefaultAuroraMaxAcu
				}
			}
			// Where the env keeps its data, backups are kept as long as
			// Aurora allows.
			if c.Protection.TerminationProtection && a.BackupRetentionDays == 0 && !c.present(ap.Child("backupRetentionDays")) {
				a.BackupRetentionDays = spec.ProductionBackupRetentionDays
			}
			for _, d := range []intDefault{
				{ap.Child("instances"), &a.Instances, spec.DefaultAuroraInstances},
				{ap.Child("backupRetentionDays"), &a.BackupRetentionDays, spec.DefaultBackupRetentionDays},
			} {
				if *d.field == 0 && !c.present(d.path) {
					*d.field = d.value
				}
			}
			if a.EngineVersion == "" {
				a.EngineVersion = spec.DefaultAuroraEngineVersion
			}
			if a.AuditLog == "" {
				a.AuditLog = spec.DefaultAuroraAuditLog
			}
		}
	}
}
