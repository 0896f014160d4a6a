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

// validateShards refuses a config whose per-service alarms would overflow
// one services stack: every cluster gets each of the service's log alarms.
func validateShards(c *Config, errs *ErrorList) {
	perService := map[string]int{}
	for _, a := range c.Monitoring.EffectiveLogAlarms(c.Logging.Services) {
		perService[a.Service]++
	}
	groups := ServicesByShard(c.Logging.Services)
	shards := make([]int, 0, len(groups))
	for s := range groups {
		shards = append(shards, s)
	}
	sort.Ints(shards)
	for _, s := range shards {
		n := 0
		for _, svc := range groups[s] {
			n += perService[svc] * len(c.Clusters)
		}
		if n > MaxShardResources {
			errs.Add(NewPath("logging").Child("services"), "the services of stack %s (%v) would need %d alarms across %d clusters, one stack takes %d resources: alarm on fewer levels for them, or run fewer clusters", ShardName(s), groups[s], n, len(c.Clusters), MaxShardResources)
		}
	}
}
