package isolation

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// tableNameContext is the encryption context DynamoDB sends KMS.
const tableNameContext = "kms:EncryptionContext:aws:dynamodb:tableName"

// restricting are the condition operators that, on a key the request
// carries, admit only the listed values (not *IfExists, not ForAllValues:
// both pass a request without the key).
var restricting = []string{"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ForAnyValue:StringEquals", "ForAnyValue:StringLike"}

// policy is one policy document of the env and what it applies to.
type policy struct {
	holder *resource // the resource carrying the document
	doc    any
	name   string // an inline policy's name
	// roles are the roles an identity policy is attached to; nil for a
	// resource policy, whose statements name their principals.
	roles []ref
	// attached are the resource a resource policy is on, for statements
	// whose Resource is * (or absent): the key, repository, table, secret.
	attached []string
}

func (x *index) checkPolicies() {
	attached := map[ref][]ref{} // identity policies: the roles they are attached to
	attach := func(p, role ref) {
		if !slices.Contains(attached[p], role) {
			attached[p] = append(attached[p], role)
		}
	}
	for _, r := range x.order {
		switch r.typ {
		case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy":
			for _, v := range x.values(r.stack, r.props["Roles"]) {
				for _, role := range refsIn(v) {
					attach(r.ref, role)
				}
			}
		case "AWS::IAM::Role":
			for _, v := range x.values(r.stack, r.props["ManagedPolicyArns"]) {
				refs := refsIn(v)
				if svc, ok := x.roles[r.ref]; ok && len(refs) == 0 {
					x.find(Finding{Stack: r.stack, LogicalID: r.id, Message: fmt.Sprintf("service %s's role carries the managed policy %s, whose statements this check cannot read", svc, v)})
				}
				for _, p := range refs {
					attach(p, r.ref)
				}
			}
		}
	}
	for _, r := range x.order {
		arn := []string{fmt.Sprintf("<%s.Arn>", r.ref)}
		switch r.typ {
		case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy":
			x.checkPolicy(policy{holder: r, doc: r.props["PolicyDocument"], roles: attached[r.ref]})
		case "AWS::IAM::Role":
			inline, _ := r.props["Policies"].([]any)
			for _, p := range inline {
				p, _ := p.(map[string]any)
				x.checkPolicy(policy{holder: r, doc: p["PolicyDocument"], name: x.render(r.stack, p["PolicyName"]), roles: []ref{r.ref}})
			}
		case "AWS::KMS::Key":
			x.checkPolicy(policy{holder: r, doc: r.props["KeyPolicy"], attached: arn})
		case "AWS::ECR::Repository":
			x.checkPolicy(policy{holder: r, doc: r.props["RepositoryPolicyText"], attached: arn})
		case "AWS::DynamoDB::Table":
			rp, _ := r.props["ResourcePolicy"].(map[string]any)
			x.checkPolicy(policy{holder: r, doc: rp["PolicyDocument"], attached: arn})
		case "AWS::SecretsManager::ResourcePolicy":
			x.checkPolicy(policy{holder: r, doc: r.props["ResourcePolicy"], attached: x.values(r.stack, r.props["SecretId"])})
		case "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy":
			x.checkPolicy(policy{holder: r, doc: r.props["PolicyDocument"], attached: []string{}})
		}
	}
}

// statements are a policy document's statements (a JSON string, as ECR
// takes, is decoded).
func statements(doc any) []map[string]any {
	if s, ok := doc.(string); ok {
		if json.Unmarshal([]byte(s), &doc) != nil {
			return nil
		}
	}
	d, _ := doc.(map[string]any)
	var out []map[string]any
	switch st := d["Statement"].(type) {
	case map[string]any:
		out = append(out, st)
	case []any:
		for _, s := range st {
			if s, ok := s.(map[string]any); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func (x *index) checkPolicy(p policy) {
	for i, st := range statements(p.doc) {
		x.report.Statements++
		if st["Effect"] != "Allow" {
			continue
		}
		where := fmt.Sprintf("statement #%d", i+1)
		if sid, ok := st["Sid"].(string); ok && sid != "" {
			where = "statement " + sid
		}
		if p.name != "" {
			where += " of inline policy " + p.name
		}
		var grantees []string
		if p.attached == nil {
			for _, role := range p.roles {
				if svc, ok := x.roles[role]; ok && !slices.Contains(grantees, svc) {
					grantees = append(grantees, svc)
				}
			}
		} else {
			grantees = x.grantees(p.holder.stack, st["Principal"])
		}
		for _, svc := range grantees {
			x.report.Services[svc].Statements++
			x.checkStatement(p, st, where, svc)
		}
	}
}

// grantees are the services whose roles a resource policy statement's
// Principal names: by reference, by an ARN pattern that matches them, or
// as everyone (*).
func (x *index) grantees(stack string, principal any) []string {
	var values []string
	switch p := principal.(type) {
	case string:
		values = []string{p}
	case map[string]any:
		values = x.values(stack, p["AWS"])
	}
	var out []string
	for _, v := range values {
		for role, svc := range x.roles {
			if v == "*" || slices.Contains(refsIn(v), role) || match(v, x.roleARN(role)) {
				if !slices.Contains(out, svc) {
					out = append(out, svc)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func (x *index) checkStatement(p policy, st map[string]any, where, svc string) {
	stack := p.holder.stack
	actions := x.values(stack, st["Action"])
	not := st["NotAction"] != nil
	if not {
		actions = x.values(stack, st["NotAction"])
	}
	resources := x.values(stack, st["Resource"])
	if st["NotResource"] != nil {
		resources = []string{"*"}
	}
	if len(p.attached) > 0 {
		// On a resource policy, * (or no Resource) is the resource it is on.
		if slices.Contains(resources, "*") || len(resources) == 0 {
			resources = append(slices.DeleteFunc(resources, func(r string) bool { return r == "*" }), p.attached...)
		}
	}
	report := func(msg string) {
		x.find(Finding{Stack: stack, LogicalID: p.holder.id, Message: msg})
	}
	all := actions
	if not {
		all = []string{"* but " + strings.Join(actions, ", ")}
	}

	if p.attached == nil && slices.Contains(resources, "*") {
		var risky []string
		for _, ns := range dataPlane {
			for _, a := range coveredActions(actions, not, ns) {
				if !slices.Contains(risky, a) {
					risky = append(risky, a)
				}
			}
		}
		if len(risky) > 0 {
			report(fmt.Sprintf("service %s's role may %s on any resource (Resource \"*\") (%s)", svc, strings.Join(risky, ", "), where))
		}
	}

	reached := map[*thing][]string{}
	var order []*thing
	reach := func(t *thing, acts []string) {
		if _, ok := reached[t]; !ok {
			order = append(order, t)
		}
		for _, a := range acts {
			if !slices.Contains(reached[t], a) {
				reached[t] = append(reached[t], a)
			}
		}
	}
	for _, res := range resources {
		for _, r := range refsIn(res) {
			for _, t := range x.byRef[r] {
				if t.service != svc {
					reach(t, all)
				}
			}
		}
		for _, t := range x.things {
			if t.service == svc {
				continue
			}
			for _, s := range t.samples {
				acts := coveredActions(actions, not, s.namespace)
				if len(acts) > 0 && match(res, strings.ReplaceAll(s.arn, "{grantee}", databaseUser(svc))) {
					reach(t, acts)
				}
			}
		}
	}
	scoped := x.scopedToOwnTables(stack, st, svc)
	for _, t := range order {
		if t.key && scoped {
			continue
		}
		report(fmt.Sprintf("service %s's role may %s on %s's %s (%s)", svc, strings.Join(reached[t], ", "), t.service, t.what, where))
	}

	// A condition naming another service's thing narrows the grant to it.
	cond, _ := st["Condition"].(map[string]any)
	for _, op := range slices.Sorted(maps.Keys(cond)) {
		keys, _ := cond[op].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			named := map[*thing]bool{}
			for _, v := range x.values(stack, keys[k]) {
				for _, r := range refsIn(v) {
					for _, t := range x.byRef[r] {
						if t.service != svc && !t.key && !named[t] {
							named[t] = true
							report(fmt.Sprintf("service %s's role may %s on %s's %s (%s, condition %s)", svc, strings.Join(all, ", "), t.service, t.what, where, k))
						}
					}
				}
				if !strings.EqualFold(k, tableNameContext) {
					continue
				}
				for _, owner := range x.ServiceNames() {
					for _, tbl := range x.tables[owner] {
						t := x.byRef[tbl.ref][0]
						if owner != svc && !named[t] && match(v, x.render(tbl.stack, tbl.props["TableName"])) {
							named[t] = true
							report(fmt.Sprintf("service %s's role may %s on %s's %s (%s, condition %s)", svc, strings.Join(all, ", "), t.service, t.what, where, k))
						}
					}
				}
			}
		}
	}
}

// scopedToOwnTables tells whether the statement holds only under an
// encryption context that names the grantee's own tables: then a key it
// reaches decrypts only them, whoever else's data the key encrypts.
func (x *index) scopedToOwnTables(stack string, st map[string]any, svc string) bool {
	cond, _ := st["Condition"].(map[string]any)
	scoped := false
	for _, op := range restricting {
		keys, _ := cond[op].(map[string]any)
		for k, v := range keys {
			if !strings.EqualFold(k, tableNameContext) {
				continue
			}
			values := x.values(stack, v)
			if len(values) == 0 {
				return false
			}
			for _, val := range values {
				if !x.ownTable(val, svc) {
					return false
				}
			}
			scoped = true
		}
	}
	return scoped
}

// ownTable tells whether a rendered value names one of svc's tables: by
// reference, or by its name exactly.
func (x *index) ownTable(v, svc string) bool {
	for _, t := range x.tables[svc] {
		if slices.Contains(refsIn(v), t.ref) {
			return true
		}
		if name, ok := t.props["TableName"]; ok && x.render(t.stack, name) == v {
			return true
		}
	}
	return false
}
