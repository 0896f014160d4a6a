package network

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/constructs/logging"
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
		key := encryption.NewKey(n.Construct, "FlowLogKey", encryption.KeyProps{
			Description:   "Encrypts the VPC flow log group",
			RemovalPolicy: props.RemovalPolicy,
		})
		encryption.AllowCloudWatchLogs(key, "*")
		group := awslogs.NewLogGroup(n.Construct, jsii.String("FlowLogGroup"), &awslogs.LogGroupProps{
			EncryptionKey: key,
			Retention:     logging.Retention(props.FlowLogRetentionDays),
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

// destinationOptionKeys maps the keys the L2 writes into DestinationOptions
// (camelCase, aws-cdk #25432) to the keys of AWS::EC2::FlowLog's schema.
var destinationOptionKeys = []struct{ l2, schema string }{
	{"fileFormat", "FileFormat"},
	{"hiveCompatiblePartitions", "HiveCompatiblePartitions"},
	{"perHourPartition", "PerHourPartition"},
}

// fixDestinationOptionsCasing renames each DestinationOptions key to the
// schema's spelling. Overrides of one path merge into the rendered object,
// so each camelCase key is deleted by its own path: deleting the whole
// object and writing it again would keep both spellings.
func fixDestinationOptionsCasing(fl awsec2.FlowLog) {
	cfn := fl.Node().DefaultChild().(awsec2.CfnFlowLog)
	values := map[string]any{"FileFormat": "parquet", "HiveCompatiblePartitions": true, "PerHourPartition": true}
	for _, k := range destinationOptionKeys {
		cfn.AddPropertyDeletionOverride(jsii.String("DestinationOptions." + k.l2))
		cfn.AddPropertyOverride(jsii.String("DestinationOptions."+k.schema), values[k.schema])
	}
}
