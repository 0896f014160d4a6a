// Package service provisions what one microservice of the catalog owns:
// its image repository, its identity, its data store, its namespace and
// route table on each cluster. Nothing here is shared with another service:
// each grant names the service's own resources, and its database admits
// its own pods only.
package service

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/cluster"
	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

var secretsPrefix = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]+/$`)

// ServiceProps configures a Service.
type ServiceProps struct {
	// Name is the service's name, a DNS label of 2-30 characters. Required.
	Name string
	// Namespace and ServiceAccount are where its pods run and as whom.
	// @default its name, both
	Namespace, ServiceAccount string
	// Clusters are the clusters it runs on. Required.
	Clusters []*cluster.ReferencedCluster
	// Vpc holds its pods' security group (and its database). Required.
	Vpc awsec2.IVpc
	// RepositoryName names its ECR repository. Required.
	RepositoryName string
	// SharedKey is the key the env's services share: it encrypts the
	// repository. Required.
	SharedKey awskms.IKey
	// Aurora is its Aurora PostgreSQL cluster, or nil.
	Aurora *AuroraDatabaseProps
	// Table is its DynamoDB table, or nil. With a nil Key the table gets a
	// key of its own; the stack passes SharedKey for a table that shares it.
	Table *ServiceTableProps
	// SecretsPrefix is the Secrets Manager name prefix of the secrets its
	// team keeps for it (API keys of third parties), e.g. prd/members/.
	// Required.
	SecretsPrefix string
	// Routes is its route table, or nil when the gateway sends it nothing.
	Routes *RouteTable
	// GatewayNamespace is the API gateway's namespace. Required with Routes.
	GatewayNamespace string
	// MeshRevisions are the Istio revisions of its namespace, by the name of
	// the cluster (ReferencedCluster.Name) where it is meshed.
	// @default - meshed on no cluster
	MeshRevisions map[string]string
	// RemovalPolicy applies to the repository and the data store.
	// @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p ServiceProps) Validate() error {
	var errs []error
	if !spec.IsServiceName(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be 2-30 lowercase letters, digits or -, got %q", p.Name))
	}
	if len(p.Clusters) == 0 {
		errs = append(errs, errors.New("clusters: at least one"))
	}
	if p.Vpc == nil {
		errs = append(errs, errors.New("vpc: required"))
	}
	if p.SharedKey == nil {
		errs = append(errs, errors.New("sharedKey: required"))
	}
	if p.Aurora != nil && p.Table != nil {
		errs = append(errs, errors.New("aurora, table: a service owns one data store"))
	}
	if !secretsPrefix.MatchString(p.SecretsPrefix) {
		errs = append(errs, fmt.Errorf("secretsPrefix: must be a secret name prefix ending in /, got %q", p.SecretsPrefix))
	}
	return errors.Join(errs...)
}

// Service is one microservice's own resources (see the package doc).
type Service struct {
	constructs.Construct
	Name       string
	Repository *ServiceRepository
	Identity   *ServiceIdentity
	// PodSecurityGroup is carried by the service's pods (through its
	// SecurityGroupPolicy): its database admits this group only.
	PodSecurityGroup awsec2.SecurityGroup
	// Database or Table is its data store; both nil for a stateless service.
	Database *AuroraDatabase
	Table    *ServiceTable
	// Workloads are its objects on each cluster, by cluster name.
	Workloads map[string]*ServiceWorkload
}

// NewService provisions the service; it panics on invalid props.
func NewService(scope constructs.Construct, id string, p ServiceProps) *Service {
	if p.Namespace == "" {
		p.Namespace = p.Name
	}
	if p.ServiceAccount == "" {
		p.ServiceAccount = p.Name
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	s := &Service{Construct: self, Name: p.Name, Workloads: map[string]*ServiceWorkload{}}
	names := make([]string, len(p.Clusters))
	for i, c := range p.Clusters {
		names[i] = c.Name
	}
	s.Repository = NewServiceRepository(self, "Repository", ServiceRepositoryProps{
		Name: p.RepositoryName, Key: p.SharedKey, RemovalPolicy: p.RemovalPolicy,
	})
	s.Identity = NewServiceIdentity(self, "Identity", ServiceIdentityProps{
		Service: p.Name, Clusters: names, Namespace: p.Namespace, ServiceAccount: p.ServiceAccount,
	})
	s.grantSecrets(p.SecretsPrefix)
	compliance.Suppress(s.Identity.Policy,
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "Secrets Manager appends 6 random characters to every secret ARN: the service's own secrets are matched by its name prefix, which ends in / so that no other service's prefix matches.",
			AppliesTo: []string{"regex:/^Resource::arn:(aws[a-z-]*|<AWS::Partition>):secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:" + regexp.QuoteMeta(p.SecretsPrefix) + "\\*$/"}},
	)
	s.PodSecurityGroup = awsec2.NewSecurityGroup(self, jsii.String("PodSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:         p.Vpc,
		Description: jsii.String(fmt.Sprintf("Pods of service %s, with the cluster security group: its database admits this group only", p.Name)),
		// The cluster's group, which the pods also carry, lets them out;
		// this one only adds the way to their database.
		AllowAllOutbound: jsii.Bool(false),
	})
	switch {
	case p.Aurora != nil:
		s.Database = NewAuroraDatabase(self, "Database", *p.Aurora)
		s.Database.AllowFrom(s.PodSecurityGroup, "pods of service "+p.Name)
		s.PodSecurityGroup.AddEgressRule(s.Database.SecurityGroup, awsec2.Port_Tcp(jsii.Number(AuroraPort)), jsii.String("its database"), nil)
		s.Database.GrantConnect(s.Identity.Policy, DatabaseUser(p.Name))
	case p.Table != nil:
		s.Table = NewServiceTable(self, "Table", *p.Table)
		s.Table.GrantReadWrite(s.Identity.Policy)
	}
	for _, c := range p.Clusters {
		s.Workloads[c.Name] = NewServiceWorkload(self, "Workload-"+c.Name, ServiceWorkloadProps{
			Cluster: c, Service: p.Name, Namespace: p.Namespace, ServiceAccount: p.ServiceAccount,
			PodSecurityGroupID: s.PodSecurityGroup.SecurityGroupId(),
			Routes:             p.Routes, GatewayNamespace: p.GatewayNamespace,
			MeshRevision: p.MeshRevisions[c.Name],
		})
	}
	return s
}

// DatabaseUser is the PostgreSQL role a service connects as, with IAM
// authentication: its name with - replaced by _.
func DatabaseUser(service string) string {
	out := []byte(service)
	for i, c := range out {
		if c == '-' {
			out[i] = '_'
		}
	}
	return string(out)
}

// grantSecrets lets the service read the secrets its team keeps under
// prefix, and no other.
func (s *Service) grantSecrets(prefix string) {
	stack := awscdk.Stack_Of(s.Construct)
	s.Identity.Policy.AddStatements(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("OwnSecrets"),
		Actions:   jsii.Strings("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
		Resources: jsii.Strings(fmt.Sprintf("arn:%s:secretsmanager:%s:%s:secret:%s*", *stack.Partition(), *stack.Region(), *stack.Account(), prefix)),
	}))
}
