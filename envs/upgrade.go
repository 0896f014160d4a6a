package envs

import (
	"fmt"
	"slices"
)

// Deployed is what the reviewed snapshot (test/golden) says is running: the
// baseline an edit is checked against, since some edits are only wrong
// relative to what exists.
type Deployed struct {
	// Clusters by name.
	Clusters map[string]DeployedCluster
}

// DeployedCluster is a cluster as the snapshot has it.
type DeployedCluster struct {
	Version string
	// ServiceCidr is the Kubernetes service range ("" when EKS picked it).
	ServiceCidr string
	// NodeGroups by NodeGroup.ID(), e.g. general-1-33.
	NodeGroups map[string]DeployedNodeGroup
}

// DeployedNodeGroup holds the node group properties whose change makes
// CloudFormation replace the group (create a new one, then delete the old,
// evicting all its pods at once) rather than update it in place.
type DeployedNodeGroup struct {
	AmiType       string
	CapacityType  string
	InstanceTypes []string
}

// CheckUpgrade reports the edits of cfg that EKS or CloudFormation would
// turn into an outage relative to what is deployed: a control plane that
// skips a minor or goes back, and a node group replaced in place where the
// safe way is a new group (a new pool or version) and draining the old.
func CheckUpgrade(cfg *Config, deployed Deployed) ErrorList {
	var errs ErrorList
	for i, cl := range cfg.Clusters {
		was, ok := deployed.Clusters[cl.Name]
		if !ok {
			continue // a new cluster: nothing to compare
		}
		p := NewPath("clusters").Index(i)
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
		for j, g := range cl.NodeGroups {
			old, ok := was.NodeGroups[g.ID()]
			if !ok {
				continue
			}
			gp := p.Child("nodeGroups").Index(j)
			replace := func(field, from, to string) {
				errs = append(errs, cfg.errAt(gp.Child(field), "changing %s of node group %s from %s to %s makes CloudFormation replace it in place, evicting all its pods at once; add a new group (e.g. another pool name) with the new value, set this one to state: draining, then remove it", field, g.ID(), from, to))
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
		}
	}
	return errs
}
