package logging

import (
	"errors"
	"fmt"
	"regexp"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsathena"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsglue"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

var glueName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,254}$`)

// Column is a Glue table column.
type Column struct{ Name, Type string }

// Table is a Glue table over one stream's layout in the archive, or over
// one partition of it.
type Table struct {
	Name    string
	Stream  *LogDeliveryStream
	Columns []Column
	// Within reads one value of the layout's outermost key only: the
	// table's location is that partition's prefix, and the key is no
	// column of it (Layout.Within).
	// @default - the whole layout
	Within *Partition
}

// Partition is one value of a layout key.
type Partition struct{ Key, Value string }

// layout is where the table reads: the stream's layout, or the partition
// of it the table is Within.
func (t Table) layout() (Layout, error) {
	if t.Within == nil {
		return t.Stream.Layout, nil
	}
	return t.Stream.Layout.Within(t.Within.Key, t.Within.Value)
}

// LogQueryCatalogProps configures a LogQueryCatalog.
type LogQueryCatalogProps struct {
	// Database is the Glue database name, e.g. prd_logs. Required.
	Database string
	// Archive holds the data. Required.
	Archive *LogArchive
	// Tables, each over one stream's layout. Required.
	Tables []Table
	// WorkGroup is the Athena workgroup's name. Required.
	WorkGroup string
	// BytesScannedCutoffGiB stops a query that scans more. @default 100
	BytesScannedCutoffGiB int
	// ProjectionSince is the first date partition projection offers. @default "2026-01-01"
	ProjectionSince string
	// RemovalPolicy applies to the results bucket. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p LogQueryCatalogProps) Validate() error {
	var errs []error
	if !glueName.MatchString(p.Database) {
		errs = append(errs, fmt.Errorf("database: must be lowercase letters, digits and _, got %q", p.Database))
	}
	if p.Archive == nil {
		errs = append(errs, errors.New("archive: required"))
	}
	if len(p.Tables) == 0 {
		errs = append(errs, errors.New("tables: at least one"))
	}
	for i, t := range p.Tables {
		if !glueName.MatchString(t.Name) || t.Stream == nil || len(t.Columns) == 0 {
			errs = append(errs, fmt.Errorf("tables[%d]: needs a lowercase name, a stream and columns, got %q", i, t.Name))
			continue
		}
		if _, err := t.layout(); err != nil {
			errs = append(errs, fmt.Errorf("tables[%d].within: %w", i, err))
		}
	}
	if p.WorkGroup == "" {
		errs = append(errs, errors.New("workGroup: required"))
	}
	if p.BytesScannedCutoffGiB < 1 {
		errs = append(errs, fmt.Errorf("bytesScannedCutoffGiB: must be >= 1, got %d", p.BytesScannedCutoffGiB))
	}
	return errors.Join(errs...)
}

// LogQueryCatalog makes the archive queryable: a Glue database with one
// JSON table per stream, whose location and partition projection are
// derived from the stream's layout (no crawler, no MSCK REPAIR), and an
// Athena workgroup that enforces its settings: results encrypted in their
// own bucket, a per-query scan cutoff, CloudWatch metrics.
type LogQueryCatalog struct {
	constructs.Construct
	Database      awsglue.CfnDatabase
	Tables        map[string]awsglue.CfnTable
	WorkGroup     awsathena.CfnWorkGroup
	ResultsBucket awss3.Bucket
	// DatabaseName and WorkGroupName are the names, as text, for queries
	// saved in other stacks (NewServiceQueries).
	DatabaseName, WorkGroupName string
}

// NewLogQueryCatalog provisions the catalog; it panics on invalid props.
func NewLogQueryCatalog(scope constructs.Construct, id string, props LogQueryCatalogProps) *LogQueryCatalog {
	if props.BytesScannedCutoffGiB == 0 {
		props.BytesScannedCutoffGiB = spec.DefaultAthenaBytesScannedCutoffGiB
	}
	if props.ProjectionSince == "" {
		props.ProjectionSince = "2026-01-01"
	}
	if props.RemovalPolicy == "" {
		props.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	c := &LogQueryCatalog{Construct: self, Tables: map[string]awsglue.CfnTable{}, DatabaseName: props.Database, WorkGroupName: props.WorkGroup}
	account := awscdk.Stack_Of(self).Account()
	c.Database = awsglue.NewCfnDatabase(self, jsii.String("Database"), &awsglue.CfnDatabaseProps{
		CatalogId:     account,
		DatabaseInput: &awsglue.CfnDatabase_DatabaseInputProperty{Name: jsii.String(props.Database), Description: jsii.String("Platform logs in the log archive")},
	})
	c.Database.ApplyRemovalPolicy(props.RemovalPolicy, nil)
	for _, t := range props.Tables {
		layout, _ := t.layout()
		bucketURL := fmt.Sprintf("s3://%s/", *t.Stream.Store.Bucket.BucketName())
		var columns []*awsglue.CfnTable_ColumnProperty
		for _, col := range t.Columns {
			columns = append(columns, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(col.Name), Type: jsii.String(col.Type)})
		}
		var partitions []*awsglue.CfnTable_ColumnProperty
		for _, k := range layout.Keys {
			partitions = append(partitions, &awsglue.CfnTable_ColumnProperty{Name: jsii.String(k.Name), Type: jsii.String("string")})
		}
		params := map[string]*string{"classification": jsii.String("json"), "compressionType": jsii.String("gzip"), "EXTERNAL": jsii.String("TRUE")}
		projection := layout.Projection(bucketURL, props.ProjectionSince)
		keys := make([]string, 0, len(projection))
		for k := range projection {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			params[k] = jsii.String(projection[k])
		}
		table := awsglue.NewCfnTable(self, jsii.String("Table-"+t.Name), &awsglue.CfnTableProps{
			CatalogId:    account,
			DatabaseName: jsii.String(props.Database),
			TableInput: &awsglue.CfnTable_TableInputProperty{
				Name:          jsii.String(t.Name),
				TableType:     jsii.String("EXTERNAL_TABLE"),
				Parameters:    &params,
				PartitionKeys: &partitions,
				StorageDescriptor: &awsglue.CfnTable_StorageDescriptorProperty{
					Location:     jsii.String(bucketURL + layout.Root),
					Columns:      &columns,
					InputFormat:  jsii.String("org.apache.hadoop.mapred.TextInputFormat"),
					OutputFormat: jsii.String("org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"),
					SerdeInfo: &awsglue.CfnTable_SerdeInfoProperty{
						SerializationLibrary: jsii.String("org.openx.data.jsonserde.JsonSerDe"),
						Parameters:           &map[string]*string{"ignore.malformed.json": jsii.String("true")},
					},
				},
			},
		})
		table.Node().AddDependency(c.Database)
		table.ApplyRemovalPolicy(props.RemovalPolicy, nil)
		c.Tables[t.Name] = table
	}

	c.ResultsBucket = awss3.NewBucket(self, jsii.String("ResultsBucket"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          props.Archive.App.Key,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: props.Archive.AccessLogBucket,
		ServerAccessLogsPrefix: jsii.String("s3-access/athena-results/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Expiration:                  awscdk.Duration_Days(jsii.Number(30)),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(1)),
		}},
		RemovalPolicy: props.RemovalPolicy,
	})
	c.WorkGroup = awsathena.NewCfnWorkGroup(self, jsii.String("WorkGroup"), &awsathena.CfnWorkGroupProps{
		Name:        jsii.String(props.WorkGroup),
		Description: jsii.String("Queries over the platform's log archive"),
		State:       jsii.String("ENABLED"),
		WorkGroupConfiguration: &awsathena.CfnWorkGroup_WorkGroupConfigurationProperty{
			EnforceWorkGroupConfiguration:   jsii.Bool(true),
			PublishCloudWatchMetricsEnabled: jsii.Bool(true),
			BytesScannedCutoffPerQuery:      jsii.Number(float64(props.BytesScannedCutoffGiB) * 1024 * 1024 * 1024),
			EngineVersion:                   &awsathena.CfnWorkGroup_EngineVersionProperty{SelectedEngineVersion: jsii.String("Athena engine version 3")},
			ResultConfiguration: &awsathena.CfnWorkGroup_ResultConfigurationProperty{
				OutputLocation: jsii.String(fmt.Sprintf("s3://%s/results/", *c.ResultsBucket.BucketName())),
				EncryptionConfiguration: &awsathena.CfnWorkGroup_EncryptionConfigurationProperty{
					EncryptionOption: jsii.String("SSE_KMS"),
					KmsKey:           props.Archive.App.Key.KeyArn(),
				},
			},
		},
		RecursiveDeleteOption: jsii.Bool(false),
	})
	c.WorkGroup.ApplyRemovalPolicy(props.RemovalPolicy, nil)
	c.addSavedQueries(props)
	compliance.Suppress(c.ResultsBucket,
		compliance.Suppression{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Reason: "Query results are disposable (30-day expiry) and stay in the environment's region."},
	)
	return c
}
