package spec

import (
	"regexp"
	"strings"
)

// PgauditClasses are the statement classes pgaudit.log takes
// (https://github.com/pgaudit/pgaudit, "pgaudit.log").
var PgauditClasses = []string{"read", "write", "function", "role", "ddl", "misc", "misc_set", "all", "none"}

// gibPerVcpu is the memory of the instance families Aurora PostgreSQL
// runs on, per vCPU; vcpus is the vCPU count by instance size (the
// "Supported DB engines for DB instance classes" and hardware tables of
// the Aurora user guide).
var (
	gibPerVcpu = map[string]float64{
		"r5": 8, "r6g": 8, "r6i": 8, "r7g": 8, "r7i": 8, "r8g": 8, "x2g": 16,
	}
	// burstableGiB is the memory of the burstable classes, by size.
	burstableGiB = map[string]float64{"medium": 4, "large": 8}
	vcpus        = map[string]float64{
		"medium": 2, "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
		"12xlarge": 48, "16xlarge": 64, "24xlarge": 96,
	}
)

// InstanceMemoryGiB is the memory of an Aurora PostgreSQL instance class,
// or false for a class this table does not know.
func InstanceMemoryGiB(class string) (float64, bool) {
	parts := strings.Split(class, ".")
	if len(parts) != 3 || parts[0] != "db" {
		return 0, false
	}
	if parts[1] == "t3" || parts[1] == "t4g" {
		gib, ok := burstableGiB[parts[2]]
		return gib, ok
	}
	perVcpu, ok1 := gibPerVcpu[parts[1]]
	n, ok2 := vcpus[parts[2]]
	return perVcpu * n, ok1 && ok2 && parts[2] != "medium"
}

// InstanceClasses are the instance families and sizes InstanceMemoryGiB
// knows, for messages.
func InstanceClasses() string {
	return "db.{r5,r6g,r6i,r7g,r7i,r8g,x2g}.{large..24xlarge} or db.{t3,t4g}.{medium,large}"
}

// auroraEngineVersion is an Aurora PostgreSQL major.minor of the majors
// the platform builds (13 to 17).
var auroraEngineVersion = regexp.MustCompile(`^(1[3-7])\.[0-9]{1,2}$`)

// AuroraEngineMajor is the major version of an Aurora PostgreSQL engine
// version such as "16.6" (it picks the parameter group family); ok is
// false for anything else.
func AuroraEngineMajor(version string) (major string, ok bool) {
	m := auroraEngineVersion.FindStringSubmatch(version)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// keyAttribute is a DynamoDB key attribute as config and the table
// construct write it: name:type, type S, N or B (the scalar types a key
// takes).
var keyAttribute = regexp.MustCompile(`^([A-Za-z0-9_.-]{1,255}):(S|N|B)$`)

// ParseKeyAttribute splits a DynamoDB key attribute written name:type;
// ok is false for anything else.
func ParseKeyAttribute(s string) (name, attributeType string, ok bool) {
	m := keyAttribute.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Aurora defaults: what a service's aurora block takes for the fields it
// leaves out, and the AuroraDatabase construct for its zero props.
const (
	DefaultAuroraMinAcu        = 0.5
	DefaultAuroraMaxAcu        = 4
	DefaultAuroraInstances     = 2
	DefaultAuroraEngineVersion = "16.6"
	// DefaultAuroraAuditLog is pgaudit.log: schema, role and data changes.
	DefaultAuroraAuditLog = "ddl,role,write"
	// DefaultBackupRetentionDays keeps automated backups a week.
	DefaultBackupRetentionDays = 7
	// ProductionBackupRetentionDays is Aurora's longest automated backup
	// retention, used where the env keeps its data.
	ProductionBackupRetentionDays = 35
)
