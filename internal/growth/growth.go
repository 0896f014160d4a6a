// Package growth generates env files at a given scale from a shipped one:
// the contract test builds them within CloudFormation's limits, and the
// benchmark times their synth.
package growth

import (
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
)

// Env is a generated env: a shipped env file grown to the given numbers
// of services, clusters and node groups per cluster, every name at the
// longest length config takes when Long is set.
type Env struct {
	Base                       string // a shipped env file, e.g. ../envs/prd.yaml
	Services, Clusters, Groups int
	Long                       bool
}

func (g Env) String() string {
	l := ""
	if g.Long {
		l = "-longnames"
	}
	return fmt.Sprintf("%s-%dsvc-%dcl-%dng%s", strings.TrimSuffix(g.Base[strings.LastIndex(g.Base, "/")+1:], ".yaml"), g.Services, g.Clusters, g.Groups, l)
}

// YAML renders the grown env file. It edits the generic document, so what
// is tested goes through the same loader and validation as a user's file.
func (g Env) YAML() ([]byte, error) {
	data, err := os.ReadFile(g.Base)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	name := func(prefix string, i, max int) string {
		s := fmt.Sprintf("%s%d", prefix, i)
		if g.Long {
			s = prefix + strings.Repeat("x", max-len(s)) + s[len(prefix):]
		}
		return s
	}
	// A catalog of the given size, each data store kind in turn: every
	// service gets its repository, identity, namespace, route and alarms,
	// a third an Aurora cluster and a third a DynamoDB table.
	var services []any
	for i := range g.Services {
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
	for i := range g.Clusters {
		c := map[string]any{}
		for k, v := range template {
			c[k] = v
		}
		c["name"] = name("c", i, 16)
		var groups []any
		for j := range g.Groups {
			ng := map[string]any{}
			for k, v := range groupTemplate {
				ng[k] = v
			}
			ng["pool"], ng["version"], ng["state"] = name("p", j, 16), version, "active"
			groups = append(groups, ng)
		}
		c["nodeGroups"] = groups
		clusters = append(clusters, c)
		weights[c["name"].(string)] = 100 / g.Clusters
	}
	doc["clusters"] = clusters
	doc["edge"].(map[string]any)["clusterWeights"] = weights
	return yaml.Marshal(doc)
}
