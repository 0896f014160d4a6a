package network

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
)

// interfaceEndpoints are the AWS APIs that EKS nodes and pods in private
// subnets call: image pulls (ECR api and dkr; layers come from S3 through
// its gateway endpoint), node bootstrap (EC2, STS), Pod Identity (EKS Auth),
// the load balancer controller (ELB), logs and Session Manager access.
// Keeping this traffic off the NAT keeps it private and cheaper.
var interfaceEndpoints = []struct {
	id      string
	service awsec2.InterfaceVpcEndpointAwsService
}{
	{"EcrApi", awsec2.InterfaceVpcEndpointAwsService_ECR()},
	{"EcrDkr", awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER()},
	{"Sts", awsec2.InterfaceVpcEndpointAwsService_STS()},
	{"Logs", awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS()},
	{"Ec2", awsec2.InterfaceVpcEndpointAwsService_EC2()},
	{"ElasticLoadBalancing", awsec2.InterfaceVpcEndpointAwsService_ELASTIC_LOAD_BALANCING()},
	{"EksAuth", awsec2.InterfaceVpcEndpointAwsService_EKS_AUTH()},
	{"Ssm", awsec2.InterfaceVpcEndpointAwsService_SSM()},
	{"SsmMessages", awsec2.InterfaceVpcEndpointAwsService_SSM_MESSAGES()},
	{"Ec2Messages", awsec2.InterfaceVpcEndpointAwsService_EC2_MESSAGES()},
}

// addEndpoints adds the S3 and DynamoDB gateway endpoints to every private
// route table and the interface endpoints to the private subnets, behind one
// security group that admits HTTPS from the VPC only.
func addEndpoints(n *Network, vpc awsec2.Vpc, cidr string) awsec2.SecurityGroup {
	private := []*awsec2.SubnetSelection{
		{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
		{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
	}
	vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{
		Service: awsec2.GatewayVpcEndpointAwsService_S3(), Subnets: &private,
	})
	vpc.AddGatewayEndpoint(jsii.String("DynamoDb"), &awsec2.GatewayVpcEndpointOptions{
		Service: awsec2.GatewayVpcEndpointAwsService_DYNAMODB(), Subnets: &private,
	})
	sg := awsec2.NewSecurityGroup(n.Construct, jsii.String("EndpointSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		Description:      jsii.String("VPC interface endpoints: HTTPS from inside the VPC"),
		AllowAllOutbound: jsii.Bool(false),
	})
	// The literal CIDR, not the VPC token, so compliance rules can read it.
	sg.AddIngressRule(awsec2.Peer_Ipv4(jsii.String(cidr)), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS from the VPC"), nil)
	for _, e := range interfaceEndpoints {
		vpc.AddInterfaceEndpoint(jsii.String(e.id), &awsec2.InterfaceVpcEndpointOptions{
			Service:           e.service,
			Subnets:           &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
			SecurityGroups:    &[]awsec2.ISecurityGroup{sg},
			Open:              jsii.Bool(false),
			PrivateDnsEnabled: jsii.Bool(true),
		})
	}
	return sg
}
