package test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/ecplatform/eks-platform/envs"
	"github.com/ecplatform/eks-platform/internal/assembly"
	"github.com/ecplatform/eks-platform/internal/retire"
	"github.com/ecplatform/eks-platform/internal/review"
	"github.com/ecplatform/eks-platform/spec"
)

// doc is an env file as a generic document, edited step by step the way an
// operator edits prd.yaml.
type doc map[string]any

func loadDoc(t *testing.T, file string) doc {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := yaml.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// clone is a deep copy, so that each step edits its own document.
func (d doc) clone(t *testing.T) doc {
	t.Helper()
	data, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var out doc
	if err := yaml.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (d doc) clusters() []any { return d["clusters"].([]any) }

func (d doc) cluster(name string) map[string]any {
	for _, c := range d.clusters() {
		if c.(map[string]any)["name"] == name {
			return c.(map[string]any)
		}
	}
	panic("no cluster " + name)
}

func (d doc) groups(cluster string) []any { return d.cluster(cluster)["nodeGroups"].([]any) }

// group is the node group of cluster whose pool and version (or name) match.
func (d doc) group(cluster, id string) map[string]any {
	for _, g := range d.groups(cluster) {
		m := g.(map[string]any)
		if m["name"] == id || spec.DefaultNodeGroupName(fmt.Sprint(m["pool"]), fmt.Sprint(m["version"])) == id && m["name"] == nil {
			return m
		}
	}
	panic("no node group " + id)
}

func (d doc) removeGroup(cluster, id string) {
	target := d.group(cluster, id)
	var kept []any
	for _, g := range d.groups(cluster) {
		if fmt.Sprint(g) != fmt.Sprint(target) {
			kept = append(kept, g)
		}
	}
	d.cluster(cluster)["nodeGroups"] = kept
}

func (d doc) removeCluster(name string) {
	var kept []any
	for _, c := range d.clusters() {
		if c.(map[string]any)["name"] != name {
			kept = append(kept, c)
		}
	}
	d["clusters"] = kept
	delete(d["edge"].(map[string]any)["clusterWeights"].(map[string]any), name)
}

func (d doc) weights(w map[string]int) {
	m := map[string]any{}
	for k, v := range w {
		m[k] = v
	}
	d["edge"].(map[string]any)["clusterWeights"] = m
}

// drill walks the steps of one strategy on prd: each step is loaded as a
// user's file, checked against the previous step's assembly as deployed,
// synthesized and reviewed against it.
type drill struct {
	t        *testing.T
	deployed string // the assembly of the last accepted step
}

// outcome is one step: either refused (errs) or built and reviewed.
type outcome struct {
	refused string
	report  review.Report
	out     string
}

func (dr *drill) step(d doc) outcome {
	t := dr.t
	t.Helper()
	data, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := envs.Parse("prd.yaml", data)
	if err != nil {
		return outcome{refused: err.Error()}
	}
	if dr.deployed != "" {
		deployed, err := assembly.Deployed(dr.deployed, "prd")
		if err != nil {
			t.Fatal(err)
		}
		if errs := envs.CheckUpgrade(cfg, deployed); len(errs) > 0 {
			return outcome{refused: errs.Err().Error()}
		}
	}
	out := t.TempDir()
	if err := build(cfg, out); err != nil {
		t.Fatalf("an accepted step does not build: %v", err)
	}
	o := outcome{out: out}
	if dr.deployed != "" {
		if o.report, err = review.Review("prd", out, dr.deployed); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

// deploy accepts a step: it is now what runs. Its review is logged (go
// test -v -run TestDrill prints every step's review: docs/upgrades.md
// quotes them).
func (dr *drill) deploy(d doc) outcome {
	dr.t.Helper()
	o := dr.step(d)
	if o.refused != "" {
		dr.t.Fatalf("step refused:\n%s", o.refused)
	}
	if dr.deployed != "" {
		dr.t.Logf("review of this step:\n%s", markdown(o.report))
	}
	dr.deployed = o.out
	return o
}

// refuse expects the step to be refused with every message in want.
func (dr *drill) refuse(d doc, want ...string) {
	dr.t.Helper()
	o := dr.step(d)
	if o.refused == "" {
		dr.t.Fatalf("step accepted, want it refused with %q\n%s", want, markdown(o.report))
	}
	for _, w := range want {
		if !strings.Contains(o.refused, w) {
			dr.t.Errorf("refusal lacks %q:\n%s", w, o.refused)
		}
	}
	dr.t.Logf("refused:\n%s", o.refused)
}

func markdown(r review.Report) string {
	var b bytes.Buffer
	r.WriteMarkdown(&b, false)
	return b.String()
}

// changes lists a review's changes as "stack change type logicalID-prefix".
func changes(r review.Report) []string {
	var out []string
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			out = append(out, fmt.Sprintf("%s %s %s %s", s.Name, c.Change, c.Type, c.LogicalID))
		}
	}
	return out
}

// only fails unless every change of the review is in one of the stacks
// and of one of the types listed: what the step touches, and nothing else.
func only(t *testing.T, r review.Report, allowed map[string][]string) {
	t.Helper()
	for _, s := range r.Stacks {
		for _, c := range s.Changes {
			types, ok := allowed[s.Name]
			if !ok || !slices.Contains(types, c.Type) && !slices.Contains(types, "*") {
				t.Errorf("unexpected change: %s %s %s %s", s.Name, c.Change, c.Type, c.LogicalID)
			}
		}
	}
}

func property(r review.Report, stack, typ, name string) []review.ValueChange {
	for _, s := range r.Stacks {
		if s.Name != stack {
			continue
		}
		for _, c := range s.Changes {
			if c.Type != typ {
				continue
			}
			for _, p := range c.Properties {
				if p.Name == name {
					return p.Values()
				}
			}
		}
	}
	return nil
}

// start is prd with its node-group upgrade finished (the draining 1.33
// group removed), deployed.
func start(t *testing.T) (*drill, doc) {
	t.Helper()
	d := loadDoc(t, "../envs/prd.yaml")
	d.removeGroup("blue", "general-1-33")
	dr := &drill{t: t}
	dr.deploy(d)
	return dr, d
}

// TestDrillNodeGroupMigration is strategy 2, the everyday one: a new group
// beside the old, pods moved by node affinity, the old one drained and
// removed. The control plane goes first, one minor.
func TestDrillNodeGroupMigration(t *testing.T) {
	dr, d := start(t)

	d = d.clone(t)
	d.cluster("blue")["version"] = "1.35"
	o := dr.deploy(d)
	if got := property(o.report, "prd-cluster-blue", "AWS::EKS::Cluster", "Version"); len(got) != 1 || got[0].String() != "1.34 → 1.35" {
		t.Errorf("control plane: Version %v, want 1.34 → 1.35", got)
	}
	only(t, o.report, map[string][]string{"prd-cluster-blue": {"AWS::EKS::Cluster", "AWS::EKS::Addon", "AWS::Lambda::LayerVersion", "AWS::Lambda::Function", "Custom::AWSCDK-EKS-KubernetesResource", "Custom::AWSCDK-EKS-HelmChart", "AWS::Lambda::Function"}})

	d = d.clone(t)
	g := d.group("blue", "general-1-34")
	next := map[string]any{}
	for k, v := range g {
		next[k] = v
	}
	next["version"] = "1.35"
	d.cluster("blue")["nodeGroups"] = append(d.groups("blue"), next)
	o = dr.deploy(d)
	only(t, o.report, map[string][]string{"prd-cluster-blue": {"AWS::EKS::Nodegroup", "AWS::EC2::LaunchTemplate", "AWS::IAM::Role", "AWS::IAM::Policy"}})
	if !slices.ContainsFunc(changes(o.report), func(c string) bool {
		return strings.HasPrefix(c, "prd-cluster-blue added AWS::EKS::Nodegroup ClusterNodeGroupgeneral135")
	}) {
		t.Errorf("adding general-1-35: %v", changes(o.report))
	}

	d = d.clone(t)
	d.group("blue", "general-1-34")["state"] = "draining"
	o = dr.deploy(d)
	only(t, o.report, map[string][]string{"prd-cluster-blue": {"AWS::EKS::Nodegroup"}})
	if got := property(o.report, "prd-cluster-blue", "AWS::EKS::Nodegroup", "Taints"); len(got) != 1 || !strings.Contains(got[0].String(), "platform.ecplatform.io/draining") {
		t.Errorf("draining general-1-34 changes Taints %v", got)
	}

	t.Run("refused: removing a group that still serves", func(t *testing.T) {
		e := d.clone(t)
		e.removeGroup("blue", "batch-1-34")
		dr.refuse(e, "node group batch-1-34 (pool batch, 1.34) is gone from config but its nodes still take pods in what is deployed: set its state: draining, deploy")
	})
	t.Run("refused: renaming a pool", func(t *testing.T) {
		e := d.clone(t)
		e.group("blue", "batch-1-34")["name"] = "batch-1-34"
		e.group("blue", "batch-1-34")["pool"] = "jobs"
		dr.refuse(e, "moves node group batch-1-34 from pool batch to jobs")
	})

	d = d.clone(t)
	d.removeGroup("blue", "general-1-34")
	o = dr.deploy(d)
	if o.report.Destructive() {
		t.Errorf("removing the drained group is the planned last step, not destructive:\n%s", markdown(o.report))
	}
	if md := markdown(o.report); !strings.Contains(md, "✅ planned removal | `ClusterNodeGroupgeneral134") {
		t.Errorf("review of the removal:\n%s", md)
	}
	only(t, o.report, map[string][]string{"prd-cluster-blue": {"AWS::EKS::Nodegroup", "AWS::EC2::LaunchTemplate", "AWS::IAM::Role", "AWS::IAM::Policy"}})
}

// TestDrillInPlace is strategy 3: the control plane, then each named group
// upgraded where it stands, EKS replacing its nodes a few at a time.
func TestDrillInPlace(t *testing.T) {
	dr, d := start(t)

	// Naming a group by its current id changes nothing deployed.
	d = d.clone(t)
	d.group("blue", "general-1-34")["name"] = "general-1-34"
	o := dr.deploy(d)
	if len(changes(o.report)) != 0 {
		t.Errorf("naming a group by its id changed %v", changes(o.report))
	}

	t.Run("refused: a version EKS does not offer", func(t *testing.T) {
		e := d.clone(t)
		e.cluster("blue")["version"] = "1.36"
		dr.refuse(e, `clusters[0].version: EKS does not offer Kubernetes 1.36`)
	})
	t.Run("refused: a downgrade", func(t *testing.T) {
		e := d.clone(t)
		e.cluster("blue")["version"] = "1.33"
		for _, g := range e.groups("blue") {
			g.(map[string]any)["version"] = "1.33"
		}
		dr.refuse(e, "clusters[0].version: moves back from 1.34 to 1.33: EKS cannot downgrade a control plane",
			"clusters[0].nodeGroups[0].version: moves node group general-1-34 back from 1.34 to 1.33: EKS cannot downgrade a node group")
	})
	t.Run("refused: nodes newer than the control plane", func(t *testing.T) {
		e := d.clone(t)
		e.group("blue", "general-1-34")["version"] = "1.35"
		dr.refuse(e, "clusters[0].nodeGroups[0].version: 1.35 is newer than the control plane (1.34): upgrade the cluster's version first")
	})

	d = d.clone(t)
	d.cluster("blue")["version"] = "1.35"
	dr.deploy(d)

	d = d.clone(t)
	d.group("blue", "general-1-34")["version"] = "1.35"
	o = dr.deploy(d)
	only(t, o.report, map[string][]string{"prd-cluster-blue": {"AWS::EKS::Nodegroup"}})
	got := property(o.report, "prd-cluster-blue", "AWS::EKS::Nodegroup", "Version")
	if len(got) != 1 || got[0].String() != "1.34 → 1.35" || o.report.Destructive() {
		t.Errorf("in-place upgrade: Version %v (destructive %v), want 1.34 → 1.35 updated in place", got, o.report.Destructive())
	}
	for _, s := range o.report.Stacks {
		for _, c := range s.Changes {
			if c.Impact != "WILL_UPDATE" {
				t.Errorf("%s %s: %s, want an in-place update", c.Type, c.LogicalID, c.Impact)
			}
		}
	}
	t.Run("refused: two minors back from what is deployed", func(t *testing.T) {
		// Deployed at 1.35 now: 1.33 would be two minors back.
		e := d.clone(t)
		e.cluster("blue")["version"] = "1.33"
		for _, g := range e.groups("blue") {
			g.(map[string]any)["version"] = "1.33"
		}
		dr.refuse(e, "moves back from 1.35 to 1.33")
	})
}

// TestDrillClusterMigration is strategy 1: a new cluster, traffic moved by
// Route 53 weights in steps, the old cluster retired, then removed, its
// stacks deleted by the removal step.
func TestDrillClusterMigration(t *testing.T) {
	dr, d := start(t)

	d = d.clone(t)
	green := d.clone(t).cluster("blue")
	green["name"] = "green"
	green["version"] = "1.35"
	for _, g := range green["nodeGroups"].([]any) {
		g.(map[string]any)["version"] = "1.35"
	}
	d["clusters"] = append(d.clusters(), green)
	d.weights(map[string]int{"blue": 100, "green": 0})
	o := dr.deploy(d)
	newStacks := map[string]bool{}
	for _, s := range o.report.Stacks {
		if s.New {
			newStacks[s.Name] = true
		}
		if s.Name == "prd-cluster-blue" || s.Name == "prd-edge-blue" {
			if len(s.Changes) > 0 {
				t.Errorf("adding green changes %s: %v", s.Name, changes(o.report))
			}
		}
	}

	for _, name := range []string{"prd-cluster-green", "prd-edge-green"} {
		if !newStacks[name] {
			t.Errorf("%s is not among the review's new stacks %v", name, newStacks)
		}
	}

	t.Run("refused: a large weight jump", func(t *testing.T) {
		e := d.clone(t)
		e.weights(map[string]int{"blue": 0, "green": 100})
		dr.refuse(e, `edge.clusterWeights["blue"]: moves from 100 to 0, more than edge.maxWeightStep (50)`, `edge.clusterWeights["green"]: moves from 0 to 100`)
	})

	d = d.clone(t)
	d.weights(map[string]int{"blue": 50, "green": 50})
	o = dr.deploy(d)
	only(t, o.report, map[string][]string{"prd-dns": {"AWS::Route53::RecordSet"}})
	// Each of blue's records goes 100 -> 50 and each of green's 0 -> 50.
	moves := map[string]int{}
	for _, s := range o.report.Stacks {
		for _, c := range s.Changes {
			for _, p := range c.Properties {
				if p.Name == "Weight" {
					moves[fmt.Sprintf("%v -> %v", p.Old, p.New)]++
				}
			}
		}
	}
	if len(moves) != 2 || moves["100 -> 50"] == 0 || moves["100 -> 50"] != moves["0 -> 50"] {
		t.Errorf("weight moves %v, want blue's records 100 -> 50 and as many of green's 0 -> 50: %v", moves, changes(o.report))
	}

	t.Run("refused: removing a cluster that still serves", func(t *testing.T) {
		e := d.clone(t)
		e.removeCluster("blue")
		e.weights(map[string]int{"green": 100})
		dr.refuse(e, "cluster blue is gone from config but still serves (deployed at Route 53 weight 50, active): set its state: retiring and edge.clusterWeights.blue: 0")
	})

	d = d.clone(t)
	d.weights(map[string]int{"blue": 0, "green": 100})
	dr.deploy(d)

	d = d.clone(t)
	d.cluster("blue")["state"] = "retiring"
	o = dr.deploy(d)
	if o.report.Destructive() {
		t.Errorf("retiring blue is destructive:\n%s", markdown(o.report))
	}
	md := markdown(o.report)
	for _, want := range []string{"deletion_protection.enabled", "ActionsEnabled (update): (none) → false"} {
		if !strings.Contains(md, want) {
			t.Errorf("the retiring step does not show %q:\n%s", want, md)
		}
	}

	d = d.clone(t)
	d.removeCluster("blue")
	retiredFrom := dr.deployed
	o = dr.deploy(d)
	if o.report.Destructive() {
		t.Errorf("removing the retired cluster is the planned last step:\n%s", markdown(o.report))
	}
	for _, s := range o.report.Stacks {
		if s.Name == "prd-cluster-blue" || s.Name == "prd-edge-blue" {
			if !s.Gone {
				t.Errorf("%s is not removed", s.Name)
			}
			for _, c := range s.Changes {
				if c.Planned == "" {
					t.Errorf("%s %s is not a planned removal", s.Name, c.LogicalID)
				}
			}
		}
	}
	plan, err := retire.NewPlan("prd", retiredFrom, o.out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(plan.Delete, " ") != "prd-edge-blue prd-cluster-blue" {
		t.Errorf("the removal step deletes %v, want the edge, then the cluster", plan.Delete)
	}
	var kept []string
	for _, r := range plan.Retained {
		kept = append(kept, r.Type+" "+r.Name)
		if r.Type == "AWS::EKS::Cluster" {
			t.Errorf("the retired cluster would be kept running: %+v", r)
		}
	}
	if !slices.Contains(kept, "AWS::Logs::LogGroup /aws/eks/prd-blue/cluster") || !slices.Contains(kept, "AWS::KMS::Key ") {
		t.Errorf("retained %v, want the control-plane log group and the keys", kept)
	}
}

// TestDrillNeedsTheDeployedBaseline is the skipped minor (1.33 to 1.35),
// and shows why the guardrails read what is deployed: with a pull request's own synthesized output as the baseline
// (which is what regenerated snapshots are), a skipped minor passes
// unnoticed; against what runs it is refused.
func TestDrillNeedsTheDeployedBaseline(t *testing.T) {
	running := loadDoc(t, "../envs/prd.yaml")
	running.removeGroup("blue", "general-1-34")
	delete(running.group("blue", "general-1-33"), "state")
	running.cluster("blue")["version"] = "1.33"
	running.group("blue", "batch-1-34")["version"] = "1.33"
	deployed := &drill{t: t}
	deployed.deploy(running) // what runs: 1.33

	edit := running.clone(t)
	edit.cluster("blue")["version"] = "1.35"
	for _, g := range edit.groups("blue") {
		g.(map[string]any)["version"] = "1.35"
		delete(g.(map[string]any), "state")
	}
	deployed.refuse(edit, "clusters[0].version: moves from 1.33 to 1.35: EKS upgrades one minor at a time")

	own := &drill{t: t}
	out := own.deploy(edit) // the pull request's own output, as `make snapshot` records it
	own.deployed = out.out
	if o := own.step(edit); o.refused != "" {
		t.Fatalf("against its own output the edit is refused: %s", o.refused)
	}
}
