package envs

import "slices"

// Service is one microservice of the catalog (the top-level services:
// list): everything it gets comes from this entry. Each service has its
// own repository, namespace, identity, data store, alarms and routes;
// none is shared with another service or with the monolith.
type Service struct {
	// Name is the service's name: its repository, its Kubernetes
	// namespace and so its log partition are named after it (a log line's
	// service is the namespace its pod runs in). A lowercase DNS label of
	// at most 30 characters.
	Name string `json:"name" jsonschema:"pattern=^[a-z][a-z0-9-]{0\\,28}[a-z0-9]$"`
	// ServiceAccount is the Kubernetes service account its pods run as:
	// the one its IAM role trusts. @default its name
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// Clusters it runs on. @default every cluster of the env
	Clusters []string `json:"clusters,omitempty"`
	// Port is its Kubernetes Service's port, where the API gateway sends
	// its routes. @default 8080
	Port int `json:"port,omitempty" jsonschema:"minimum=1,maximum=65535"`
	// Mesh puts the service's pods in the Istio mesh (an Envoy sidecar in
	// each) on the clusters it runs on that run Istio: its namespace gets
	// the istio.io/rev label of the cluster's revision. At least one of its
	// clusters must run Istio. @default false
	Mesh bool `json:"mesh,omitempty"`
	// DataStore is the service's own database.
	// @default none (a stateless service)
	DataStore DataStore `json:"dataStore,omitempty"`
	// Routes are the path prefixes the API gateway sends to it (or, while
	// it is being carved out, still to the monolith).
	Routes []Route `json:"routes,omitempty"`
}

// DataStoreKind is the kind of database a service owns.
type DataStoreKind string

// The data stores a service may own.
const (
	DataStoreNone     DataStoreKind = "none"
	DataStoreAurora   DataStoreKind = "aurora-postgresql"
	DataStoreDynamoDB DataStoreKind = "dynamodb"
)

// DataStoreKinds are the supported kinds.
var DataStoreKinds = []DataStoreKind{DataStoreNone, DataStoreAurora, DataStoreDynamoDB}

// DataStore is a service's database: exactly the block of its kind is set.
type DataStore struct {
	Kind     DataStoreKind `json:"kind" jsonschema:"enum=none,enum=aurora-postgresql,enum=dynamodb"`
	Aurora   *Aurora       `json:"aurora,omitempty"`
	DynamoDB *DynamoDB     `json:"dynamodb,omitempty"`
}

// AuroraCapacity is how an Aurora cluster's instances are sized.
type AuroraCapacity string

// The Aurora capacity modes.
const (
	AuroraServerless  AuroraCapacity = "serverless"
	AuroraProvisioned AuroraCapacity = "provisioned"
)

// Aurora is an Aurora PostgreSQL cluster of one service.
type Aurora struct {
	// Capacity is serverless (Serverless v2, scaling between MinAcu and
	// MaxAcu) or provisioned (InstanceClass). @default serverless
	Capacity AuroraCapacity `json:"capacity,omitempty" jsonschema:"enum=serverless,enum=provisioned"`
	// MinAcu and MaxAcu bound Serverless v2 capacity, 0.5 to 256 in
	// steps of 0.5. @default 0.5 and 4
	MinAcu float64 `json:"minAcu,omitempty"`
	MaxAcu float64 `json:"maxAcu,omitempty"`
	// InstanceClass sizes provisioned instances, e.g. db.r7g.large.
	InstanceClass string `json:"instanceClass,omitempty"`
	// Instances is the writer plus readers, one per AZ: 1 to 3.
	// @default 2 (a reader in another AZ to fail over to)
	Instances int `json:"instances,omitempty" jsonschema:"minimum=1,maximum=3"`
	// EngineVersion is the Aurora PostgreSQL version. @default 16.6
	EngineVersion string `json:"engineVersion,omitempty"`
	// BackupRetentionDays keeps automated backups, 1 to 35. @default 7
	// (35 in an env with termination protection)
	BackupRetentionDays int `json:"backupRetentionDays,omitempty" jsonschema:"minimum=1,maximum=35"`
	// AuditLog is pgaudit.log: the statement classes written to the audit
	// log. @default ddl,role,write
	AuditLog string `json:"auditLog,omitempty"`
}

// DynamoDB is a DynamoDB table of one service, on demand.
type DynamoDB struct {
	// PartitionKey and SortKey are attribute:type, the type S, N or B,
	// e.g. pk:S. SortKey is optional.
	PartitionKey string `json:"partitionKey"`
	SortKey      string `json:"sortKey,omitempty"`
	// OwnKey encrypts the table with a KMS key of the service's own,
	// instead of the env's services key.
	OwnKey bool `json:"ownKey,omitempty"`
}

// RouteTarget is where a route sends its requests.
type RouteTarget string

// The route targets.
const (
	// RouteToService sends the prefix to the service.
	RouteToService RouteTarget = "service"
	// RouteToFallback sends the prefix to the on-prem monolith.
	RouteToFallback RouteTarget = "fallback"
)

// Route is one entry of the API gateway's route table: a path prefix, the
// target it goes to, and the share that goes to the other one. Moving a
// route from fallback to service, through canary weights, is the strangler
// step.
type Route struct {
	// Prefix is the request path prefix, e.g. /api/members.
	Prefix string `json:"prefix"`
	// Target is service or fallback (the monolith).
	Target RouteTarget `json:"target" jsonschema:"enum=service,enum=fallback"`
	// CanaryWeight is the percentage of the prefix's requests sent to the
	// other target: to the service while the target is fallback (its
	// canary), to the monolith while the target is service (the way back).
	// @default 0
	CanaryWeight int `json:"canaryWeight,omitempty" jsonschema:"minimum=0,maximum=100"`
}

// DefaultServicePort is a service's port when it sets none.
const DefaultServicePort = 8080

// LoggingServices are the services that get log line alarms, in name
// order: the catalog's and logging.services (namespaces outside the
// catalog, such as the API gateway's). A log line's service is the
// namespace its pod runs in, so nothing shared lists them: each one's
// alarms live in its own services stack.
func (c *Config) LoggingServices() []string {
	var out []string
	for _, s := range c.Services {
		out = append(out, s.Name)
	}
	out = append(out, c.Logging.Services...)
	slices.Sort(out)
	return out
}

// Namespace is the Kubernetes namespace the service runs in: its name.
func (s Service) Namespace() string { return s.Name }

// RunsOn reports whether the service runs on the named cluster.
func (s Service) RunsOn(cluster string) bool {
	return len(s.Clusters) == 0 || slices.Contains(s.Clusters, cluster)
}

// ActiveClusters are the clusters s is deployed to: those it runs on that
// are not retiring (a retiring cluster loses its services first: its stack
// is deleted after that deploy, and nothing may still use it).
func (c *Config) ActiveClusters(s Service) []Cluster {
	var out []Cluster
	for _, cl := range c.Clusters {
		if cl.State != ClusterRetiring && s.RunsOn(cl.Name) {
			out = append(out, cl)
		}
	}
	return out
}
