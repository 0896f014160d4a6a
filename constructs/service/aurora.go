package service

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/spec"
)

var (
	// The DB cluster identifier rule (CreateDBCluster API reference).
	dbIdentifier = regexp.MustCompile(`^[a-zA-Z](?:[a-zA-Z0-9]|-(?:[a-zA-Z0-9]))*$`)
	// PostgreSQL identifiers, unquoted.
	pgIdentifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
)

// AuroraPort is the port the database listens on.
const AuroraPort = 5432

// LogSubscription is where a log group's lines are copied: a Firehose
// stream, and the role CloudWatch Logs puts records with.
type LogSubscription struct {
	DestinationArn *string
	RoleArn        *string
}

// AuroraDatabaseProps configures an AuroraDatabase.
type AuroraDatabaseProps struct {
	// Identifier is the DB cluster identifier, e.g. prd-members; it also
	// names its log group. Required.
	Identifier string
	// DatabaseName is the database created in the cluster. Required.
	DatabaseName string
	// Vpc holds the cluster, in its isolated subnets (no route out). Required.
	Vpc awsec2.IVpc
	// EngineVersion is the Aurora PostgreSQL version, e.g. 16.6. Required.
	EngineVersion string
	// InstanceClass sizes provisioned instances; empty means Serverless v2
	// between MinAcu and MaxAcu.
	InstanceClass  string
	MinAcu, MaxAcu float64
	// Instances are the writer and its readers, each in another AZ.
	// @default 2
	Instances int
	// BackupRetentionDays keeps automated backups, 1 to 35. @default 7
	BackupRetentionDays int
	// AuditLog is pgaudit.log, the statement classes audited. @default ddl,role,write
	AuditLog string
	// LogRetention keeps the PostgreSQL log in CloudWatch Logs this long.
	// @default one year
	LogRetention awslogs.RetentionDays
	// AuditLogs receives every PostgreSQL log line (pgaudit's among them)
	// for the archive. Required: query audit logs are kept.
	AuditLogs LogSubscription
	// RemovalPolicy applies to the cluster, its key and log group. The
	// cluster has deletion protection (DeleteDBCluster refused, whoever
	// asks) unless it is DESTROY: a database the stack keeps is also kept
	// from a delete outside CloudFormation. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p AuroraDatabaseProps) Validate() error {
	var errs []error
	if len(p.Identifier) > 63 || !dbIdentifier.MatchString(p.Identifier) {
		errs = append(errs, fmt.Errorf("identifier: must be 1-63 letters, digits or single hyphens, starting with a letter, got %q", p.Identifier))
	}
	if !pgIdentifier.MatchString(p.DatabaseName) || p.DatabaseName == "postgres" {
		errs = append(errs, fmt.Errorf("databaseName: must be a lowercase PostgreSQL identifier other than postgres, got %q", p.DatabaseName))
	}
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if _, ok := spec.AuroraEngineMajor(p.EngineVersion); !ok {
		errs = append(errs, fmt.Errorf("engineVersion: must be an Aurora PostgreSQL version such as 16.6, got %q", p.EngineVersion))
	}
	if p.InstanceClass == "" {
		for _, acu := range []struct {
			name  string
			value float64
		}{{"minAcu", p.MinAcu}, {"maxAcu", p.MaxAcu}} {
			if acu.value < 0.5 || acu.value > 256 || math.Mod(acu.value*2, 1) != 0 {
				errs = append(errs, fmt.Errorf("%s: must be 0.5 to 256 in steps of 0.5, got %g", acu.name, acu.value))
			}
		}
		if p.MaxAcu < p.MinAcu {
			errs = append(errs, fmt.Errorf("maxAcu: must be >= minAcu (%g), got %g", p.MinAcu, p.MaxAcu))
		}
	} else if _, ok := spec.InstanceMemoryGiB(p.InstanceClass); !ok {
		errs = append(errs, fmt.Errorf("instanceClass: must be an Aurora PostgreSQL instance class, %s, got %q", spec.InstanceClasses(), p.InstanceClass))
	}
	if p.Instances < 1 || p.Instances > 3 {
		errs = append(errs, fmt.Errorf("instances: must be 1 to 3, got %d", p.Instances))
	}
	if p.BackupRetentionDays < 1 || p.BackupRetentionDays > 35 {
		errs = append(errs, fmt.Errorf("backupRetentionDays: must be 1 to 35, got %d", p.BackupRetentionDays))
	}
	for _, c := range strings.Split(p.AuditLog, ",") {
		if !slices.Contains(spec.PgauditClasses, strings.TrimSpace(c)) {
			errs = append(errs, fmt.Errorf("auditLog: %q is not a pgaudit.log class (%v)", c, spec.PgauditClasses))
		}
	}
	if p.AuditLogs.DestinationArn == nil || p.AuditLogs.RoleArn == nil {
		errs = append(errs, errors.New("auditLogs: required (a destination and the role CloudWatch Logs writes to it with)"))
	}
	return errors.Join(errs...)
}

// AuroraDatabase is a service's own Aurora PostgreSQL cluster:
//   - in the VPC's isolated subnets, spread over its AZs, reachable on 5432
//     only from the security groups allowed with AllowFrom;
//   - storage, Performance Insights and the master password encrypted with
//     a key of its own; the master password is kept and rotated by RDS in
//     Secrets Manager (no password in the template, no rotation Lambda);
//   - IAM database authentication, TLS required, automated backups;
//   - pgaudit (statement classes from AuditLog, without parameter values,
//     which may hold card or personal data) and connection logging, the
//     PostgreSQL log exported to a log group it owns and copied from there
//     to the archive.
type AuroraDatabase struct {
	constructs.Construct
	Cluster       awsrds.CfnDBCluster
	Instances     []awsrds.CfnDBInstance
	SecurityGroup awsec2.SecurityGroup
	Key           awskms.Key
	// Log is the PostgreSQL log group, /aws/rds/cluster/<identifier>/postgresql.
	Log        awslogs.LogGroup
	Identifier string
	// Serverless is set for a Serverless v2 cluster.
	Serverless bool
	// MaxConnections is PostgreSQL's default max_connections on the
	// largest instance the cluster may run (DefaultMaxConnections).
	MaxConnections int
}

// DefaultMaxConnections is Aurora PostgreSQL's default max_connections,
// LEAST(DBInstanceClassMemory/9531392, 5000), for an instance class or,
// for Serverless v2, the memory of its maximum ACUs (2 GiB each).
func DefaultMaxConnections(instanceClass string, maxAcu float64) int {
	gib := maxAcu * 2
	if instanceClass != "" {
		gib, _ = spec.InstanceMemoryGiB(instanceClass)
	}
	return min(int(gib*1024*1024*1024/9531392), 5000)
}

// NewAuroraDatabase provisions the database; it panics on invalid props.
func NewAuroraDatabase(scope constructs.Construct, id string, p AuroraDatabaseProps) *AuroraDatabase {
	if p.Instances == 0 {
		p.Instances = spec.DefaultAuroraInstances
	}
	if p.BackupRetentionDays == 0 {
		p.BackupRetentionDays = spec.DefaultBackupRetentionDays
	}
	if p.AuditLog == "" {
		p.AuditLog = spec.DefaultAuroraAuditLog
	}
	if p.LogRetention == "" {
		p.LogRetention = awslogs.RetentionDays_ONE_YEAR
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	d := &AuroraDatabase{Construct: self, Identifier: p.Identifier, Serverless: p.InstanceClass == "", MaxConnections: DefaultMaxConnections(p.InstanceClass, p.MaxAcu)}
	logName := fmt.Sprintf("/aws/rds/cluster/%s/postgresql", p.Identifier)

	d.Key = encryption.NewKey(self, "Key", encryption.KeyProps{
		Description:   "Encrypts the storage, Performance Insights, master password and logs of Aurora cluster " + p.Identifier,
		RemovalPolicy: p.RemovalPolicy,
	})
	encryption.AllowCloudWatchLogs(d.Key, logName)
	d.Log = awslogs.NewLogGroup(self, jsii.String("PostgresqlLog"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String(logName),
		Retention:     p.LogRetention,
		EncryptionKey: d.Key,
		RemovalPolicy: p.RemovalPolicy,
	})
	filter := awslogs.NewCfnSubscriptionFilter(self, jsii.String("AuditArchive"), &awslogs.CfnSubscriptionFilterProps{
		LogGroupName:   d.Log.LogGroupName(),
		FilterPattern:  jsii.String(""),
		DestinationArn: p.AuditLogs.DestinationArn,
		RoleArn:        p.AuditLogs.RoleArn,
	})
	filter.Node().AddDependency(d.Log)

	isolated := p.Vpc.SelectSubnets(&awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED})
	subnets := awsrds.NewCfnDBSubnetGroup(self, jsii.String("Subnets"), &awsrds.CfnDBSubnetGroupProps{
		DbSubnetGroupDescription: jsii.String("Isolated subnets of Aurora cluster " + p.Identifier),
		SubnetIds:                anySlice(*isolated.SubnetIds),
	})
	d.SecurityGroup = awsec2.NewSecurityGroup(self, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              p.Vpc,
		Description:      jsii.String(fmt.Sprintf("Aurora cluster %s: PostgreSQL from the pods of its service only", p.Identifier)),
		AllowAllOutbound: jsii.Bool(false),
	})
	major, _ := spec.AuroraEngineMajor(p.EngineVersion)
	params := awsrds.NewCfnDBClusterParameterGroup(self, jsii.String("Parameters"), &awsrds.CfnDBClusterParameterGroupProps{
		Description: jsii.String("pgaudit, connection logging and TLS for Aurora cluster " + p.Identifier),
		Family:      jsii.String("aurora-postgresql" + major),
		Parameters: map[string]any{
			"shared_preload_libraries": "pg_stat_statements,pgaudit",
			"pgaudit.log":              p.AuditLog,
			"pgaudit.role":             "rds_pgaudit",
			// Statement text, not its bound values: those may be card
			// numbers or personal data, which the archive must not hold.
			"pgaudit.log_parameter": "0",
			"pgaudit.log_catalog":   "0",
			"log_connections":       "1",
			"log_disconnections":    "1",
			"rds.force_ssl":         "1",
		},
	})

	monitoring := awsiam.NewRole(self, jsii.String("MonitoringRole"), &awsiam.RoleProps{
		Description:     jsii.String("RDS Enhanced Monitoring of Aurora cluster " + p.Identifier),
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("monitoring.rds.amazonaws.com"), nil),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("service-role/AmazonRDSEnhancedMonitoringRole"))},
	})

	props := &awsrds.CfnDBClusterProps{
		DbClusterIdentifier:             jsii.String(p.Identifier),
		Engine:                          jsii.String("aurora-postgresql"),
		EngineVersion:                   jsii.String(p.EngineVersion),
		DatabaseName:                    jsii.String(p.DatabaseName),
		MasterUsername:                  jsii.String("platform_admin"),
		ManageMasterUserPassword:        jsii.Bool(true),
		MasterUserSecret:                &awsrds.CfnDBCluster_MasterUserSecretProperty{KmsKeyId: d.Key.KeyArn()},
		StorageEncrypted:                jsii.Bool(true),
		KmsKeyId:                        d.Key.KeyArn(),
		DbSubnetGroupName:               subnets.Ref(),
		VpcSecurityGroupIds:             &[]any{d.SecurityGroup.SecurityGroupId()},
		DbClusterParameterGroupName:     params.Ref(),
		Port:                            jsii.Number(AuroraPort),
		BackupRetentionPeriod:           jsii.Number(float64(p.BackupRetentionDays)),
		PreferredBackupWindow:           jsii.String("17:00-18:00"),
		PreferredMaintenanceWindow:      jsii.String("sun:18:30-sun:19:30"),
		CopyTagsToSnapshot:              jsii.Bool(true),
		DeletionProtection:              jsii.Bool(p.RemovalPolicy != awscdk.RemovalPolicy_DESTROY),
		EnableIamDatabaseAuthentication: jsii.Bool(true),
		EnableCloudwatchLogsExports:     jsii.Strings("postgresql"),
		AutoMinorVersionUpgrade:         jsii.Bool(true),
	}
	if d.Serverless {
		props.ServerlessV2ScalingConfiguration = &awsrds.CfnDBCluster_ServerlessV2ScalingConfigurationProperty{
			MinCapacity: jsii.Number(p.MinAcu), MaxCapacity: jsii.Number(p.MaxAcu),
		}
	}
	d.Cluster = awsrds.NewCfnDBCluster(self, jsii.String("Resource"), props)
	d.Cluster.ApplyRemovalPolicy(p.RemovalPolicy, nil)
	// RDS exports to the log group we own, with our retention and key,
	// instead of creating one of its own.
	d.Cluster.Node().AddDependency(d.Log)

	class := p.InstanceClass
	if d.Serverless {
		class = "db.serverless"
	}
	// The stack's zones are the VPC's (both read the env's configured
	// zones); reading them from the stack tells the template validator
	// that the literal zones are deliberate.
	azs := *awscdk.Stack_Of(self).AvailabilityZones()
	for i := 0; i < p.Instances; i++ {
		inst := awsrds.NewCfnDBInstance(self, jsii.String(fmt.Sprintf("Instance%d", i+1)), &awsrds.CfnDBInstanceProps{
			DbClusterIdentifier:                d.Cluster.Ref(),
			DbInstanceClass:                    jsii.String(class),
			Engine:                             jsii.String("aurora-postgresql"),
			AvailabilityZone:                   azs[i%len(azs)],
			PubliclyAccessible:                 jsii.Bool(false),
			AutoMinorVersionUpgrade:            jsii.Bool(true),
			PromotionTier:                      jsii.Number(float64(i)),
			MonitoringInterval:                 jsii.Number(60),
			MonitoringRoleArn:                  monitoring.RoleArn(),
			EnablePerformanceInsights:          jsii.Bool(true),
			PerformanceInsightsKmsKeyId:        d.Key.KeyArn(),
			PerformanceInsightsRetentionPeriod: jsii.Number(7),
			CopyTagsToSnapshot:                 jsii.Bool(true),
		})
		// An instance of a retained cluster is retained with it; RDS has no
		// snapshot of a single Aurora instance.
		inst.ApplyRemovalPolicy(p.RemovalPolicy, nil)
		d.Instances = append(d.Instances, inst)
	}
	if p.RemovalPolicy == awscdk.RemovalPolicy_DESTROY {
		compliance.Suppress(d.Cluster,
			compliance.Suppression{Rule: "AwsSolutions-RDS10", Reason: "Deletion protection is off only where the env drops its data (RemovalPolicy DESTROY): the cluster goes with its stack."},
		)
	}
	compliance.Suppress(monitoring,
		compliance.Suppression{Rule: "AwsSolutions-IAM4", Reason: "AmazonRDSEnhancedMonitoringRole is the service role policy RDS documents for Enhanced Monitoring: it writes the RDSOSMetrics log group only.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"}},
	)
	return d
}

// AllowFrom lets peer (a service's pods) connect to the database.
func (d *AuroraDatabase) AllowFrom(peer awsec2.ISecurityGroup, description string) {
	d.SecurityGroup.AddIngressRule(peer, awsec2.Port_Tcp(jsii.Number(AuroraPort)), jsii.String(description), nil)
}

// SecretArn is the master user's secret, which RDS keeps and rotates.
func (d *AuroraDatabase) SecretArn() *string { return d.Cluster.AttrMasterUserSecretSecretArn() }

// GrantConnect lets policy's holder connect as dbUser with IAM database
// authentication, to this cluster only.
func (d *AuroraDatabase) GrantConnect(policy awsiam.ManagedPolicy, dbUser string) {
	stack := awscdk.Stack_Of(d.Construct)
	policy.AddStatements(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("OwnDatabase"),
		Actions: jsii.Strings("rds-db:connect"),
		Resources: &[]*string{awscdk.Fn_Join(jsii.String(""), &[]*string{
			jsii.String(fmt.Sprintf("arn:%s:rds-db:%s:%s:dbuser:", *stack.Partition(), *stack.Region(), *stack.Account())),
			d.Cluster.AttrDbClusterResourceId(), jsii.String("/" + dbUser),
		})},
	}))
}

func anySlice(in []*string) *[]any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return &out
}
