package envs

// Edge is how traffic reaches the API gateway in each cluster: names,
// zones and certificates, the API gateway's canary weights, the clusters'
// Route 53 weights and the WAF in front of the internet-facing ALBs.
type Edge struct {
	// PublicZone holds ExternalName (the mobile apps' API name).
	PublicZone Zone `json:"publicZone"`
	// PrivateZone (associated with the VPC and resolvable from on-prem)
	// holds InternalName (the on-prem web servers' API name).
	PrivateZone  Zone   `json:"privateZone"`
	ExternalName string `json:"externalName"`
	InternalName string `json:"internalName"`
	// ExternalCertificateArn imports a certificate for ExternalName.
	// @default - an ACM certificate DNS-validated in PublicZone
	ExternalCertificateArn string `json:"externalCertificateArn,omitempty"`
	// InternalCertificateArn is the certificate for InternalName. Required:
	// a private name cannot be DNS-validated publicly (issue it from ACM
	// Private CA or import it into ACM).
	InternalCertificateArn string `json:"internalCertificateArn"`
	// InternalCaCertificate is the PEM certificate chain, up to its root,
	// of the private CA that issued InternalCertificateArn (ACM Private
	// CA: the CA certificate and its chain). The in-VPC canary trusts it,
	// and only it, to verify the internal ALB's certificate.
	// @default - the canary trusts the public CAs of its runtime
	InternalCaCertificate string `json:"internalCaCertificate,omitempty"`
	// ApiGateway is the in-cluster API gateway the ALBs forward to.
	ApiGateway ApiGateway `json:"apiGateway"`
	// TargetWeights split each ALB's traffic between the API gateway's
	// stable and canary releases: 0..100 each, summing to 100.
	TargetWeights TargetWeights `json:"targetWeights"`
	// ClusterWeights are the Route 53 weights by cluster name, 0..255; 0
	// takes a cluster out of service. Every cluster is listed.
	ClusterWeights map[string]int `json:"clusterWeights"`
	// MaxWeightStep is the most a cluster's weight may move in one deploy,
	// checked against what is deployed: traffic shifts by reviewed steps.
	// @default 50
	MaxWeightStep int `json:"maxWeightStep,omitempty" jsonschema:"minimum=1,maximum=255"`
	// Waf configures the web ACL of the internet-facing ALBs.
	Waf Waf `json:"waf"`
}

// Zone is a Route 53 hosted zone, by id and name (no lookup at synth).
type Zone struct {
	ID   string `json:"id" jsonschema:"pattern=^Z[A-Z0-9]{1\\,32}$"`
	Name string `json:"name"`
}

// ApiGateway is the in-cluster API gateway's two Services.
type ApiGateway struct {
	Namespace string `json:"namespace"`
	// Service and CanaryService are the stable and canary Services.
	Service       string `json:"service"`
	CanaryService string `json:"canaryService"`
	// Port is the Services' port, also the pods' target port.
	Port int `json:"port" jsonschema:"minimum=1,maximum=65535"`
	// HealthCheckPath is probed on each pod and, through the ALB, by
	// Route 53. @default /healthz
	HealthCheckPath string `json:"healthCheckPath,omitempty"`
	// Fallback is the on-prem monolith's base URL (https), where the route
	// table sends every prefix no service has taken over yet.
	// Required when a service has routes.
	Fallback string `json:"fallback,omitempty"`
}

// TargetWeights split traffic between the stable and canary releases.
type TargetWeights struct {
	Stable int `json:"stable" jsonschema:"minimum=0,maximum=100"`
	Canary int `json:"canary" jsonschema:"minimum=0,maximum=100"`
}

// Waf is the web ACL of the internet-facing ALBs.
type Waf struct {
	// RateLimit is the most requests one client IP may send per window.
	RateLimit int `json:"rateLimit" jsonschema:"minimum=10"`
	// RateWindowSeconds is 60, 120, 300 or 600. @default 300
	RateWindowSeconds int `json:"rateWindowSeconds,omitempty" jsonschema:"enum=60,enum=120,enum=300,enum=600"`
	// AllowCidrs are trusted sources (offices, partners, monitors), /8 or
	// narrower: they pass the country block, the anonymous-IP list and Bot
	// Control, never the reputation list, the rate limit or the request
	// inspections. BlockCidrs are always blocked.
	AllowCidrs []string `json:"allowCidrs,omitempty"`
	BlockCidrs []string `json:"blockCidrs,omitempty"`
	// BlockCountries are ISO 3166 alpha-2 country codes.
	BlockCountries []string `json:"blockCountries,omitempty"`
	// BotControl adds AWS WAF Bot Control (billed per request).
	BotControl bool `json:"botControl,omitempty"`
	// KeepQueryString logs query strings as sent. Leave it false where a
	// query string can carry a token or personal data (OAuth redirects,
	// signed links). Authorization, Cookie and X-Api-Key are always redacted.
	// @default false: query strings are redacted in the WAF logs
	KeepQueryString bool `json:"keepQueryString,omitempty"`
}
