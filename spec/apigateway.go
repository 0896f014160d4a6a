package spec

// DefaultHealthCheckPath is what the ALBs probe on each API gateway pod,
// and the canaries and Route 53 through the ALBs, when config names no
// path (edge.apiGateway.healthCheckPath).
const DefaultHealthCheckPath = "/healthz"
