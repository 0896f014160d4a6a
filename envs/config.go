// Package envs loads and validates the one config file per environment
// (envs/dev.yaml, envs/stg.yaml, envs/prd.yaml). It is the only place user
// input enters the app: loading is strict, and validation reports every
// problem with its file, line and field path before any construct is built.
package envs

// Config is one environment: one AWS account in one region.
type Config struct {
	// Name is the environment's name and the prefix of its stacks and
	// stage: dev, stg, prd.
	Name string `json:"name" jsonschema:"pattern=^[a-z][a-z0-9]{1\\,9}$"`
	// Account is the 12-digit AWS account id. Quote it in YAML: an
	// unquoted number loses leading zeros.
	Account string `json:"account" jsonschema:"pattern=^[0-9]{12}$"`
	// Region is the AWS region, e.g. ap-northeast-1.
	Region string `json:"region"`
	// AvailabilityZones are exactly three distinct AZ names of Region. They
	// replace the AZ lookup, so synth never calls AWS.
	AvailabilityZones []string `json:"availabilityZones" jsonschema:"minItems=3,maxItems=3"`
	// Protection says what survives a stack deletion.
	Protection Protection `json:"protection"`
	// TrustedAccounts are the other AWS accounts whose IAM roles config may
	// give cluster access (clusters[].access), e.g. a central SRE account.
	// A role of any other account is refused.
	TrustedAccounts []string `json:"trustedAccounts,omitempty"`
	// Tags are added to every resource of the environment.
	Tags map[string]string `json:"tags,omitempty"`
	// Network is the VPC and its private link to on-premises.
	Network Network `json:"network"`
	// Clusters are the env's EKS clusters, each in its own stack.
	Clusters []Cluster `json:"clusters" jsonschema:"minItems=1"`
	// Services are the microservices the env runs, each with its own
	// repository, namespace, identity, data store, alarms and routes
	// (docs/services.md).
	Services []Service `json:"services,omitempty"`
	// Datadog sends the clusters' metrics and APM traces to Datadog.
	// @default - no Datadog Agent in any cluster
	Datadog *Datadog `json:"datadog,omitempty"`
	// Edge is how traffic reaches the clusters: ALBs, WAF, Route 53.
	Edge Edge `json:"edge"`
	// Monitoring is the env's canaries and alarms.
	Monitoring Monitoring `json:"monitoring"`
	// Logging is the env's log archive and log pipeline.
	Logging Logging `json:"logging"`
	// Delivery is how GitHub Actions deploys this env.
	Delivery Delivery `json:"delivery"`
	// Security is the env's runtime security (Falco).
	Security Security `json:"security,omitempty"`

	// file is the path the config was loaded from; every error names it.
	file string
	// src locates fields in file; nil for a config built in code.
	src *source
}

// File is the path the config was loaded from.
func (c *Config) File() string { return c.file }

// Protection says what outlives a stack: stg and prd keep their data.
type Protection struct {
	// RetainStatefulResources keeps buckets, keys, log groups and clusters
	// when their stack is deleted or they leave the config.
	RetainStatefulResources bool `json:"retainStatefulResources"`
	// TerminationProtection makes CloudFormation refuse to delete the stacks.
	TerminationProtection bool `json:"terminationProtection"`
}

// Network is the environment's VPC.
type Network struct {
	// VpcCidr is the VPC's IPv4 range, /16 to /20. It must not overlap any
	// other environment's VPC nor the on-prem ranges.
	VpcCidr string `json:"vpcCidr"`
	// NatGateways is the number of NAT gateways, 1 to 3. Fewer than 3 saves
	// cost but makes egress depend on one AZ: dev only.
	NatGateways int `json:"natGateways" jsonschema:"minimum=1,maximum=3"`
	// OnPremCidrs are the on-prem data centre ranges reached over Direct
	// Connect; the internal ALB admits only these and the VPC.
	OnPremCidrs []string `json:"onPremCidrs" jsonschema:"minItems=1"`
	// RoutedCidrs are ranges beyond the data centre that the VPC reaches
	// through it over Direct Connect, untrusted: another cloud's networks
	// (e.g. GCP's data platform) for which on-prem is the hub. They get
	// routes (tgw mode: a static route to the Transit Gateway in every
	// private and isolated route table; vgw mode: the routes the VGW learns
	// over BGP, so on-prem must advertise them) and no security group rule:
	// pods may call out to them, nothing there may connect in. Each range is
	// outside the VPC, the on-prem ranges, the clusters' service ranges and
	// the other routed ranges.
	// @default none
	RoutedCidrs []string `json:"routedCidrs,omitempty"`
	// Resolver is Route 53 Resolver for the on-prem DNS servers.
	// @default no endpoint
	Resolver Resolver `json:"resolver,omitempty"`
	// DirectConnect is the private link to on-prem.
	DirectConnect DirectConnect `json:"directConnect"`
}

// Resolver is how on-prem resolves the env's names.
type Resolver struct {
	// Inbound provisions a Route 53 Resolver inbound endpoint in the
	// private subnet of each AZ, at fixed addresses the network stack
	// outputs (InboundResolverAddresses): the on-prem DNS servers forward
	// edge.privateZone to them (docs/runbook.md). Its security group admits
	// DNS (53, TCP and UDP) from onPremCidrs only. Off unless set: an
	// endpoint bills per address and hour, and the on-prem DNS team has to
	// configure the forwarding before it is of use.
	// @default false
	Inbound bool `json:"inbound,omitempty"`
}

// DirectConnectMode is how the VPC is attached to Direct Connect.
type DirectConnectMode string

const (
	// DirectConnectVGW attaches a virtual private gateway to the VPC and
	// associates it with a Direct Connect gateway.
	DirectConnectVGW DirectConnectMode = "vgw"
	// DirectConnectTGW attaches the VPC to a Transit Gateway that the
	// network team has associated with the Direct Connect gateway.
	DirectConnectTGW DirectConnectMode = "tgw"
)

// DirectConnectModes are the supported modes.
var DirectConnectModes = []DirectConnectMode{DirectConnectVGW, DirectConnectTGW}

// Valid reports whether m is a supported mode.
func (m DirectConnectMode) Valid() bool {
	for _, v := range DirectConnectModes {
		if m == v {
			return true
		}
	}
	return false
}

// DirectConnect is the VPC's attachment to the on-prem network. Exactly the
// block of the chosen mode is set.
type DirectConnect struct {
	Mode DirectConnectMode `json:"mode" jsonschema:"enum=vgw,enum=tgw"`
	VGW  *VGWAttachment    `json:"vgw,omitempty"`
	TGW  *TGWAttachment    `json:"tgw,omitempty"`
}

// VGWAttachment is a virtual private gateway associated with a Direct
// Connect gateway.
type VGWAttachment struct {
	// DirectConnectGatewayID is the DX gateway's id (a UUID), owned by the
	// network team.
	DirectConnectGatewayID string `json:"directConnectGatewayId"`
	// AmazonSideAsn is the VGW's BGP ASN, a private ASN (64512-65534 or
	// 4200000000-4294967294), distinct from the on-prem side's.
	AmazonSideAsn int64 `json:"amazonSideAsn"`
}

// TGWAttachment is a Transit Gateway (shared to this account) that reaches
// on-prem through Direct Connect.
type TGWAttachment struct {
	// TransitGatewayID is the Transit Gateway's id, tgw-...
	TransitGatewayID string `json:"transitGatewayId" jsonschema:"pattern=^tgw-[0-9a-f]{8\\,17}$"`
}

// Delivery is how GitHub Actions deploys the environment: through OIDC into
// a role that trusts one repository and one GitHub environment.
type Delivery struct {
	// Repository is the GitHub repository, owner/name, that deploys.
	Repository string `json:"repository" jsonschema:"pattern=^[A-Za-z0-9][A-Za-z0-9-]{0\\,38}/[A-Za-z0-9._-]{1\\,100}$"`
	// GitHubEnvironment is the GitHub environment of the deploy job; its
	// protection rules (required reviewers) gate the deploy.
	// @default the env's name
	GitHubEnvironment string `json:"githubEnvironment,omitempty"`
	// CdkQualifier is the account's CDK bootstrap qualifier. @default hnb659fds
	CdkQualifier string `json:"cdkQualifier,omitempty"`
	// ExistingOidcProviderArn reuses the account's GitHub Actions OIDC
	// provider, arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com.
	// IAM holds one provider per issuer and account: set this when the
	// account already has one (another stack or team created it).
	// @default - <env>-github creates the provider
	ExistingOidcProviderArn string `json:"existingOidcProviderArn,omitempty"`
}
