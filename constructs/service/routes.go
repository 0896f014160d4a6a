package service

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/ecplatform/eks-platform/spec"
)

// RouteTableSchema names the route table document's format; the API
// gateway refuses a document whose schema it does not know
// (docs/services.md). A change that the gateway could misread gets a new
// version.
const RouteTableSchema = "routes.ecplatform.io/v1"

// Labels and annotations of the route table ConfigMaps, which the API
// gateway lists by label in its own namespace.
const (
	LabelRouteTable      = "routes.ecplatform.io/table"
	LabelRouteService    = "routes.ecplatform.io/service"
	AnnotationRevision   = "routes.ecplatform.io/revision"
	RouteTableDataKey    = "routes.json"
	routeTableNamePrefix = "routes-"
)

// RouteTarget is where a route sends its requests.
type RouteTarget string

// The route targets.
const (
	// TargetService sends the prefix to the service.
	TargetService RouteTarget = "service"
	// TargetFallback sends the prefix to the on-prem monolith.
	TargetFallback RouteTarget = "fallback"
)

// Route is one path prefix of a service's route table.
type Route struct {
	Prefix string      `json:"prefix"`
	Target RouteTarget `json:"target"`
	// CanaryWeight is the percentage sent to the other target.
	CanaryWeight int `json:"canaryWeight"`
}

// RouteTable is one service's part of the API gateway's route table: the
// document the gateway reads from the service's ConfigMap. The gateway
// merges every service's table and picks the longest matching prefix.
type RouteTable struct {
	Schema  string `json:"schema"`
	Service string `json:"service"`
	// Upstream is the service's in-cluster URL.
	Upstream string `json:"upstream"`
	// Fallback is the monolith's URL.
	Fallback string  `json:"fallback"`
	Routes   []Route `json:"routes"`
}

// NewRouteTable is the route table of service, reached at port of the
// Kubernetes Service named after it in namespace.
func NewRouteTable(service, namespace string, port int, fallback string, routes []Route) RouteTable {
	return RouteTable{
		Schema:   RouteTableSchema,
		Service:  service,
		Upstream: fmt.Sprintf("http://%s.%s.svc.cluster.local:%d", service, namespace, port),
		Fallback: fallback,
		Routes:   routes,
	}
}

// Validate reports every problem with the table, as the gateway checks it.
func (t RouteTable) Validate() error {
	var errs []error
	if t.Schema != RouteTableSchema {
		errs = append(errs, fmt.Errorf("schema: must be %s, got %q", RouteTableSchema, t.Schema))
	}
	if t.Service == "" {
		errs = append(errs, errors.New("service: required"))
	}
	for _, field := range []struct{ name, raw string }{{"upstream", t.Upstream}, {"fallback", t.Fallback}} {
		u, err := url.Parse(field.raw)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, fmt.Errorf("%s: must be an http(s) URL, got %q", field.name, field.raw))
		}
	}
	if len(t.Routes) == 0 {
		errs = append(errs, errors.New("routes: at least one"))
	}
	seen := map[string]bool{}
	for i, r := range t.Routes {
		if !spec.IsRoutePrefix(r.Prefix) {
			errs = append(errs, fmt.Errorf("routes[%d].prefix: must be a path prefix such as /api/members, got %q", i, r.Prefix))
		}
		if seen[r.Prefix] {
			errs = append(errs, fmt.Errorf("routes[%d].prefix: %s is listed twice", i, r.Prefix))
		}
		seen[r.Prefix] = true
		if r.Target != TargetService && r.Target != TargetFallback {
			errs = append(errs, fmt.Errorf("routes[%d].target: must be service or fallback, got %q", i, r.Target))
		}
		if r.CanaryWeight < 0 || r.CanaryWeight > 100 {
			errs = append(errs, fmt.Errorf("routes[%d].canaryWeight: must be 0 to 100, got %d", i, r.CanaryWeight))
		}
	}
	return errors.Join(errs...)
}

// Document is the table as the ConfigMap holds it: indented JSON, in
// field order, so that a review shows a route edit as a one-line change.
func (t RouteTable) Document() string {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		panic(err) // a struct of strings and ints always marshals
	}
	return string(b) + "\n"
}

// Revision identifies the document's content: the gateway logs the
// revision it serves, which tells a rollout that every replica has it.
func (t RouteTable) Revision() string {
	sum := sha256.Sum256([]byte(t.Document()))
	return hex.EncodeToString(sum[:])[:16]
}

// configMap is the ConfigMap holding the table in the gateway's namespace.
func (t RouteTable) configMap(gatewayNamespace string) map[string]any {
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata": map[string]any{
			"name":        routeTableNamePrefix + t.Service,
			"namespace":   gatewayNamespace,
			"labels":      map[string]any{LabelRouteTable: "api-gateway", LabelRouteService: t.Service, "app.kubernetes.io/managed-by": "eks-platform"},
			"annotations": map[string]any{AnnotationRevision: t.Revision()},
		},
		"data": map[string]any{RouteTableDataKey: t.Document()},
	}
}
