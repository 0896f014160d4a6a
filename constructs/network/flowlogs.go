package network

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/encryption"
)

// newFlowLogs records all traffic of the VPC: into the log archive bucket
// when one is given (Parquet with Hive partitions, so Athena prunes by hour),
// otherwise into a KMS-encrypted log group kept for the retention asked.
func newFlowLogs(n *Network, props NetworkProps) awsec2.FlowLog {
	var dest awsec2.FlowLogDestination
	toBucket := props.FlowLogBucket != nil
	if toBucket {
		dest = awsec2.FlowLogDestination_ToS3(props.FlowLogBucket, jsii.String("vpc-flow-logs/"), &awsec2.S3DestinationOptions{
			FileFormat:               awsec2.FlowLogFileFormat_PARQUET,
			HiveCompatiblePartitions: jsii.Bool(true),
			PerHourPartition:         jsii.Bool(true),
		})
	} else {
		key := awskms.NewKey(n.Construct, jsii.String("FlowLogKey"), &awskms.KeyProps{
			Description:       jsii.String("Encrypts the VPC flow log group"),
			EnableKeyRotation: jsii.Bool(true),
			RemovalPolicy:     props.RemovalPolicy,
		})
		encryption.AllowCloudWatchLogs(key, "*")
		group := awslogs.NewLogGroup(n.Construct, jsii.String("FlowLogGroup"), &awslogs.LogGroupProps{
			EncryptionKey: key,
			Retention:     retention(props.FlowLogRetentionDays),
			RemovalPolicy: props.RemovalPolicy,
		})
		dest = awsec2.FlowLogDestination_ToCloudWatchLogs(group, nil)
	}
	fl := n.Vpc.AddFlowLog(jsii.String("FlowLogs"), &awsec2.FlowLogOptions{
		Destination: dest,
		TrafficType: awsec2.FlowLogTrafficType_ALL,
		// One-minute aggregation: a security investigation needs the finer grain.
		MaxAggregationInterval: awsec2.FlowLogMaxAggregationInterval_ONE_MINUTE,
	})
	if toBucket {
		fixDestinationOptionsCasing(fl)
	}
	return fl
}

// fixDestinationOptionsCasing rewrites DestinationOptions with the keys
// CloudFormation's schema defines: the L2 emits them in camelCase
// (aws-cdk #25432), which the schema rejects.
func fixDestinationOptionsCasing(fl awsec2.FlowLog) {
	cfn := fl.Node().DefaultChild().(awsec2.CfnFlowLog)
	cfn.AddPropertyDeletionOverride(jsii.String("DestinationOptions"))
	cfn.AddPropertyOverride(jsii.String("DestinationOptions"), map[string]any{
		"FileFormat":               "parquet",
		"HiveCompatiblePartitions": true,
		"PerHourPartition":         true,
	})
}

// retentionDays are the values CloudWatch Logs accepts, ascending.
var retentionDays = []struct {
	days  int
	value awslogs.RetentionDays
}{
	{1, awslogs.RetentionDays_ONE_DAY}, {3, awslogs.RetentionDays_THREE_DAYS}, {5, awslogs.RetentionDays_FIVE_DAYS},
	{7, awslogs.RetentionDays_ONE_WEEK}, {14, awslogs.RetentionDays_TWO_WEEKS}, {30, awslogs.RetentionDays_ONE_MONTH},
	{60, awslogs.RetentionDays_TWO_MONTHS}, {90, awslogs.RetentionDays_THREE_MONTHS}, {120, awslogs.RetentionDays_FOUR_MONTHS},
	{150, awslogs.RetentionDays_FIVE_MONTHS}, {180, awslogs.RetentionDays_SIX_MONTHS}, {365, awslogs.RetentionDays_ONE_YEAR},
	{400, awslogs.RetentionDays_THIRTEEN_MONTHS}, {545, awslogs.RetentionDays_EIGHTEEN_MONTHS}, {731, awslogs.RetentionDays_TWO_YEARS},
	{1096, awslogs.RetentionDays_THREE_YEARS}, {1827, awslogs.RetentionDays_FIVE_YEARS}, {2192, awslogs.RetentionDays_SIX_YEARS},
	{2557, awslogs.RetentionDays_SEVEN_YEARS}, {2922, awslogs.RetentionDays_EIGHT_YEARS}, {3288, awslogs.RetentionDays_NINE_YEARS},
	{3653, awslogs.RetentionDays_TEN_YEARS},
}

// retention is the smallest accepted retention that keeps logs at least
// days long: asking for 100 days keeps them 120, never fewer than asked.
func retention(days int) awslogs.RetentionDays {
	for _, r := range retentionDays {
		if r.days >= days {
			return r.value
		}
	}
	return awslogs.RetentionDays_TEN_YEARS
}
