package envs

import (
	"fmt"
	"slices"
)

// Deployed is what runs: the templates of the env's last deploy (the
// deploy workflow records them on the branch deployed/<env>; locally, the
// synthesized merge-base with main). Some edits are only wrong relative to
// it: a skipped minor, the removal of what still serves, a large weight jump.
type Deployed struct {
	// Known is false for an env that was never deployed: nothing to check.
	Known bool
	// Clusters by name.
	Clusters map[string]DeployedCluster
}

// DeployedCluster is a cluster as it was deployed.
type DeployedCluster struct {
	Version string
	// ServiceCidr is the Kubernetes service range ("" when EKS picked it).
	ServiceCidr string
	// Retiring is set when the cluster was deployed in state retiring.
	Retiring bool
	// Weight is its Route 53 weight (0 when it had no record).
	Weight int
	// NodeGroups by name.
	NodeGroups map[string]DeployedNodeGroup
}

// DeployedNodeGroup is a node group as it was deployed: where it stands and
// the properties whose change makes CloudFormation replace it (create a new
// group, then delete the old, evicting all its pods at once).
type DeployedNodeGroup struct {
	Pool, Version string
	// Draining is set when its nodes were tainted NoSchedule.
	Draining      bool
	AmiType       string
	CapacityType  string
	InstanceTypes []string
}

// CheckUpgrade reports the edits of cfg that EKS or CloudFormation would
// turn into an outage relative to what is deployed, each with the steps to
// take instead:
//   - a control plane that skips a minor or goes back, a node group that
//     goes back, a service range that moves;
//   - a node group replaced in place (its AMI, capacity or instance types)
//     or moved to another pool;
//   - a node group or a cluster removed while it still serves;
//   - a Route 53 weight that moves more than edge.maxWeightStep at once.
func CheckUpgrade(cfg *Config, deployed Deployed) ErrorList {
	if !deployed.Known {
		return nil
	}
	var errs ErrorList
	names := map[string]bool{}
	for i, cl := range cfg.Clusters {
		names[cl.Name] = true
		if was, ok := deployed.Clusters[cl.Name]; ok {
			errs = append(errs, checkCluster(cfg, NewPath("clusters").Index(i), cl, was)...)
		}
	}
	for _, name := range sortedKeys(deployed.Clusters) {
		was := deployed.Clusters[name]
		if names[name] || (was.Retiring && was.Weight == 0) {
			continue // a retired cluster at weight 0 is the last step of a migration
		}
		errs = append(errs, cfg.errAt(NewPath("clusters"), "cluster %s is gone from config but still serves (deployed at Route 53 weight %d%s): set its state: retiring and edge.clusterWeights.%s: 0, deploy, then remove it", name, was.Weight, stateNote(was.Retiring), name))
	}
	errs = append(errs, checkWeights(cfg, deployed)...)
	return errs
}

func stateNote(retiring bool) string {
	if retiring {
		return ", retiring"
	}
	return ", active"
}

func checkCluster(cfg *Config, p *Path, cl Cluster, was DeployedCluster) ErrorList {
	var errs ErrorList
	newMinor, okNew := kubernetesMinor(cl.Version)
	oldMinor, okOld := kubernetesMinor(was.Version)
	if okNew && okOld {
		switch {
		case newMinor > oldMinor+1:
			errs = append(errs, cfg.errAt(p.Child("version"), "moves from %s to %s: EKS upgrades one minor at a time; set %q, deploy, then continue", was.Version, cl.Version, fmt.Sprintf("1.%d", oldMinor+1)))
		case newMinor < oldMinor:
			errs = append(errs, cfg.errAt(p.Child("version"), "moves back from %s to %s: EKS cannot downgrade a control plane; migrate to a new cluster instead", was.Version, cl.Version))
		}
	}
	if cl.ServiceCidr != was.ServiceCidr {
		from := was.ServiceCidr
		if from == "" {
			from = "the range EKS picked"
		}
		errs = append(errs, cfg.errAt(p.Child("serviceCidr"), "moves from %s to %s: EKS sets the service range only when it creates a cluster, so CloudFormation would replace this one; keep %s, or create a new cluster with the new range and move traffic to it", from, cl.ServiceCidr, from))
	}
	present := map[string]bool{}
	for j, g := range cl.NodeGroups {
		present[g.ID()] = true
		old, ok := was.NodeGroups[g.ID()]
		if !ok {
			continue
		}
		errs = append(errs, checkNodeGroup(cfg, p.Child("nodeGroups").Index(j), g, old)...)
	}
	for _, name := range sortedKeys(was.NodeGroups) {
		old := was.NodeGroups[name]
		if present[name] || old.Draining {
			continue // removing a drained group is the last step of a node-group migration
		}
		errs = append(errs, cfg.errAt(p.Child("nodeGroups"), "node group %s (pool %s, %s) is gone from config but its nodes still take pods in what is deployed: set its state: draining, deploy, move its pods (kubectl rollout restart), then remove it", name, old.Pool, old.Version))
	}
	return errs
}

func checkNodeGroup(cfg *Config, p *Path, g NodeGroup, old DeployedNodeGroup) ErrorList {
	var errs ErrorList
	if old.Pool != "" && old.Pool != g.Pool {
		errs = append(errs, cfg.errAt(p.Child("pool"), "moves node group %s from pool %s to %s: the pods that select pool %s lose its nodes; add a group with a new name in pool %s, drain this one, then remove it", g.ID(), old.Pool, g.Pool, old.Pool, g.Pool))
	}
	if newMinor, ok := kubernetesMinor(g.Version); ok {
		if oldMinor, ok := kubernetesMinor(old.Version); ok && newMinor < oldMinor {
			errs = append(errs, cfg.errAt(p.Child("version"), "moves node group %s back from %s to %s: EKS cannot downgrade a node group; add a group with a new name at %s and drain this one", g.ID(), old.Version, g.Version, g.Version))
		}
	}
	replace := func(field, from, to string) {
		errs = append(errs, cfg.errAt(p.Child(field), "changing %s of node group %s from %s to %s makes CloudFormation replace it in place, evicting all its pods at once; add a group with a new name in pool %s with the new value, set this one to state: draining, then remove it", field, g.ID(), from, to, g.Pool))
	}
	if old.AmiType != "" && old.AmiType != string(g.AmiType) {
		replace("amiType", old.AmiType, string(g.AmiType))
	}
	if old.CapacityType != "" && old.CapacityType != string(g.CapacityType) {
		replace("capacityType", old.CapacityType, string(g.CapacityType))
	}
	if old.InstanceTypes != nil && !slices.Equal(old.InstanceTypes, g.InstanceTypes) {
		replace("instanceTypes", fmt.Sprint(old.InstanceTypes), fmt.Sprint(g.InstanceTypes))
	}
	return errs
}

// checkWeights refuses a Route 53 weight that moves more than the step
// the env allows between two deploys: traffic shifts by reviewed steps, so
// a bad cluster takes a share of the traffic before it takes all of it.
func checkWeights(cfg *Config, deployed Deployed) ErrorList {
	var errs ErrorList
	step := cfg.Edge.MaxWeightStep
	for _, name := range sortedKeys(cfg.Edge.ClusterWeights) {
		now := cfg.Edge.ClusterWeights[name]
		before := deployed.Clusters[name].Weight // 0 for a new cluster
		if d := now - before; d > step || -d > step {
			errs = append(errs, cfg.errAt(NewPath("edge").Child("clusterWeights").Key(name), "moves from %d to %d, more than edge.maxWeightStep (%d) at once: move it by at most %d, deploy, watch the canaries and alarms, then continue", before, now, step, step))
		}
	}
	return errs
}
