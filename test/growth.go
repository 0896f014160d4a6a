package test

import (
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
)

// growth is a generated env: a shipped env file grown to the given numbers
// of services, clusters and node groups per cluster, every name at the
// longest length config takes when long is set.
type growth struct {
	base                       string // a shipped env file, e.g. ../envs/prd.yaml
	services, clusters, groups int
	long                       bool
}

func (g growth) String() string {
	l := ""
	if g.long {
		l = "-longnames"
	}
	return fmt.Sprintf("%s-%dsvc-%dcl-%dng%s", strings.TrimSuffix(g.base[strings.LastIndex(g.base, "/")+1:], ".yaml"), g.services, g.clusters, g.groups, l)
}

// yaml renders the grown env file. It edits the generic document, so what
// is tested goes through the same loader and validation as a user's file.
func (g growth) yaml() ([]byte, error) {
	data, err := os.ReadFile(g.base)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	name := func(prefix string, i, max int) string {
		s := fmt.Sprintf("%s%d", prefix, i)
		if g.long {
			s = prefix + strings.Repeat("x", max-len(s)) + s[len(prefix):]
		}
		return s
	}
	// A catalog of the given size, each data store kind in turn: every
	// service gets its repository, identity, namespace, route and alarms,
	// a third an Aurora cluster and a third a DynamoDB table.
	var services []any
	for i := range g.services {
		svc := map[string]any{"name": name("svc-", i, 30)}
		switch i % 3 {
		case 0:
			svc["dataStore"] = map[string]any{"kind": "aurora-postgresql"}
		case 1:
			svc["dataStore"] = map[string]any{"kind": "dynamodb", "dynamodb": map[string]any{"partitionKey": "pk:S"}}
		}
		svc["routes"] = []any{map[string]any{"prefix": "/api/" + svc["name"].(string), "target": "service"}}
		services = append(services, svc)
	}
	doc["services"] = services
	// Alarms name services of the base file, which may be gone.
	if al, ok := doc["monitoring"].(map[string]any)["alertingLogs"].(map[string]any); ok {
		delete(al, "alarms")
	}
	template := doc["clusters"].([]any)[0].(map[string]any)
	version := template["version"].(string)
	groupTemplate := template["nodeGroups"].([]any)[len(template["nodeGroups"].([]any))-1].(map[string]any)
	var clusters []any
	weights := map[string]any{}
	for i := range g.clusters {
		c := map[string]any{}
		for k, v := range template {
			c[k] = v
		}
		c["name"] = name("c", i, 16)
		var groups []any
		for j := range g.groups {
			ng := map[string]any{}
			for k, v := range groupTemplate {
				ng[k] = v
			}
			ng["pool"], ng["version"], ng["state"] = name("p", j, 16), version, "active"
			groups = append(groups, ng)
		}
		c["nodeGroups"] = groups
		clusters = append(clusters, c)
		weights[c["name"].(string)] = 100 / g.clusters
	}
	doc["clusters"] = clusters
	doc["edge"].(map[string]any)["clusterWeights"] = weights
	return yaml.Marshal(doc)
}
