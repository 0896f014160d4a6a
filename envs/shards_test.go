package envs

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestServiceShardsAreStable: a service's stack depends on its name alone,
// so adding or removing other services never moves it (a move deletes and
// recreates its resources).
func TestServiceShardsAreStable(t *testing.T) {
	var few, many []string
	for i := range 200 {
		many = append(many, fmt.Sprintf("service-%d", i))
	}
	few = many[50:60]
	byShardFew, byShardMany := ServicesByShard(few), ServicesByShard(many)
	for shard, services := range byShardFew {
		for _, s := range services {
			if !slices.Contains(byShardMany[shard], s) {
				t.Errorf("%s is in %s with 10 services and elsewhere with 200", s, ShardName(shard))
			}
		}
	}
	used := len(byShardMany)
	if used < ServiceShards*3/4 {
		t.Errorf("200 services use %d of %d shards: the hash spreads them badly", used, ServiceShards)
	}
}

// TestShardOverflowIsAConfigError: a shard whose alarms would pass
// CloudFormation's 500 resources per stack is refused at load, naming the
// services, not at deploy.
func TestShardOverflowIsAConfigError(t *testing.T) {
	data, err := os.ReadFile("prd.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse("prd.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	// 41 services of one shard, 3 levels each, on 4 clusters: 492 alarms.
	var services []string
	for i := 0; len(services) < 41; i++ {
		if s := fmt.Sprintf("svc-%d", i); ServiceShard(s) == 7 {
			services = append(services, s)
		}
	}
	cfg.Logging.Services = services
	cfg.Monitoring.AlertingLogs.Levels = []LogLevel{"WARN", "ERROR", "FATAL"}
	cfg.Monitoring.AlertingLogs.Alarms = nil
	for _, s := range services {
		cfg.Monitoring.AlertingLogs.Alarms = append(cfg.Monitoring.AlertingLogs.Alarms, LogAlarm{Service: s, Level: "WARN", MaxPerFiveMinutes: 100}, LogAlarm{Service: s, Level: "FATAL"})
	}
	for len(cfg.Clusters) < 4 {
		c := cfg.Clusters[0]
		c.Name = fmt.Sprintf("c%d", len(cfg.Clusters))
		cfg.Clusters = append(cfg.Clusters, c)
	}
	var errs ErrorList
	validateShards(cfg, &errs)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "logging.services: the services of stack services-07") || !strings.Contains(errs[0].Error(), "would need 492 resources across 4 clusters, one stack takes 480") {
		t.Fatalf("errors = %v, want one naming services-07 and 492 alarms", errs)
	}
	cfg.Clusters = cfg.Clusters[:3]
	errs = nil
	if validateShards(cfg, &errs); len(errs) != 0 {
		t.Fatalf("369 alarms on 3 clusters fit, got %v", errs)
	}
}
