package assembly

// StatefulTypes are the resource types whose deletion or replacement loses
// data or takes traffic down: stg and prd retain them, and a review refuses
// to replace or delete them without an explicit allow.
var StatefulTypes = map[string]bool{
	"AWS::S3::Bucket":        true,
	"AWS::KMS::Key":          true,
	"AWS::Logs::LogGroup":    true,
	"AWS::EKS::Cluster":      true,
	"AWS::DynamoDB::Table":   true,
	"AWS::RDS::DBInstance":   true,
	"AWS::RDS::DBCluster":    true,
	"AWS::EFS::FileSystem":   true,
	"AWS::Glue::Database":    true,
	"AWS::Glue::Table":       true,
	"AWS::Athena::WorkGroup": true,
	"AWS::CloudTrail::Trail": true,
}

// TrafficTypes carry live traffic: replacing or deleting one is an outage
// even though it holds no data.
var TrafficTypes = map[string]bool{
	"AWS::EKS::Nodegroup":                                 true,
	"AWS::ElasticLoadBalancingV2::LoadBalancer":           true,
	"AWS::ElasticLoadBalancingV2::Listener":               true,
	"AWS::ElasticLoadBalancingV2::TargetGroup":            true,
	"AWS::Route53::RecordSet":                             true,
	"AWS::WAFv2::WebACL":                                  true,
	"AWS::EC2::VPC":                                       true,
	"AWS::EC2::Subnet":                                    true,
	"AWS::EC2::TransitGatewayVpcAttachment":               true,
	"AWS::DirectConnect::DirectConnectGatewayAssociation": true,
	// On-prem resolves the env's private zone through it.
	"AWS::Route53Resolver::ResolverEndpoint": true,
}
