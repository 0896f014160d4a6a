package envs

import (
	"fmt"
	"hash/fnv"
	"sort"
)

// ServiceShards is how many stacks an env's per-service resources are
// spread over (<env>-services-NN). A service's shard is a hash of its name
// alone, so adding or removing a service never moves another one to a
// different stack, which would delete and recreate its resources. The
// number is fixed for the same reason: changing it moves services.
const ServiceShards = 32

// MaxShardResources is the most resources one services stack may get:
// CloudFormation takes 500 per stack, and some room is kept for what each
// stack holds besides (its cross-stack imports need none; CDK adds a
// metadata resource).
const MaxShardResources = 480

// ServiceShard is the services stack a service lives in, 0 to ServiceShards-1.
func ServiceShard(service string) int {
	h := fnv.New32a()
	h.Write([]byte(service))
	return int(h.Sum32() % ServiceShards)
}

// ShardName is the stack name part of a shard, e.g. services-07.
func ShardName(shard int) string { return fmt.Sprintf("services-%02d", shard) }

// ServicesByShard groups services by shard, each group in config order;
// shards without a service are left out.
func ServicesByShard(services []string) map[int][]string {
	out := map[int][]string{}
	for _, s := range services {
		out[ServiceShard(s)] = append(out[ServiceShard(s)], s)
	}
	return out
}

// Resources one catalog service puts in its services stack, besides its
// log line alarms (constructs/service, constructs/monitoring). The
// contract test holds every services stack of the growth cases to
// exactly this count, so the estimate cannot drift from the constructs.
const (
	// serviceBaseResources: repository, role, managed policy, pods
	// security group, dashboard, two saved Athena queries.
	serviceBaseResources = 7
	// servicePerClusterResources: a Pod Identity association and one
	// manifest on each active cluster it runs on.
	servicePerClusterResources = 2
	// auroraResources besides its instances and alarms: key, log group,
	// subscription filter, subnet group, security group, its ingress and
	// the pods' egress rule, parameter group, monitoring role, cluster.
	auroraResources = 10
	// tableResources: the table and its three alarms (+1 with its own key).
	tableResources = 4
)

// ServiceResources is how many resources a service puts in its services
// stack: its log line alarms on every cluster and, for a catalog service,
// what it owns (nil svc: a logging.services entry outside the catalog).
func (c *Config) ServiceResources(svc *Service, logAlarms int) int {
	n := logAlarms * len(c.Clusters)
	if svc == nil {
		return n
	}
	n += serviceBaseResources
	n += servicePerClusterResources * len(c.ActiveClusters(*svc))
	switch d := svc.DataStore; d.Kind {
	case DataStoreAurora:
		alarms := 2
		if d.Aurora.Capacity == AuroraServerless {
			alarms = 3
		}
		n += auroraResources + d.Aurora.Instances + alarms
	case DataStoreDynamoDB:
		n += tableResources
		if d.DynamoDB.OwnKey {
			n++
		}
	}
	return n
}

// validateShards refuses a config whose services would overflow one
// services stack (every cluster gets each service's log alarms; a catalog
// service adds what it owns).
func validateShards(c *Config, errs *ErrorList) {
	perService := map[string]int{}
	for _, a := range c.Monitoring.EffectiveLogAlarms(c.LoggingServices()) {
		perService[a.Service]++
	}
	catalog := map[string]*Service{}
	for i := range c.Services {
		catalog[c.Services[i].Name] = &c.Services[i]
	}
	groups := ServicesByShard(c.LoggingServices())
	shards := make([]int, 0, len(groups))
	for s := range groups {
		shards = append(shards, s)
	}
	sort.Ints(shards)
	for _, s := range shards {
		n, path := 0, NewPath("logging").Child("services")
		for _, svc := range groups[s] {
			n += c.ServiceResources(catalog[svc], perService[svc])
			if catalog[svc] != nil {
				path = NewPath("services")
			}
		}
		if n > MaxShardResources {
			errs.Add(path, "the services of stack %s (%v) would need %d resources across %d clusters, one stack takes %d: alarm on fewer levels for them, or run fewer clusters", ShardName(s), groups[s], n, len(c.Clusters), MaxShardResources)
		}
	}
}
