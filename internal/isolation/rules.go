package isolation

import (
	"fmt"
	"slices"
)

// rule is one security group rule: traffic from one side to the other.
type rule struct {
	holder  *resource // the security group (inline rule) or the rule resource
	ingress bool
	// group is the group the rule belongs to (GroupId): where traffic
	// comes in for an ingress rule, where it leaves for an egress rule.
	group string
	// peer is the other side: a group, a CIDR, a prefix list.
	peer  string
	ports string
}

func (x *index) checkRules() {
	for _, r := range x.order {
		switch r.typ {
		case "AWS::EC2::SecurityGroup":
			for _, k := range []string{"SecurityGroupIngress", "SecurityGroupEgress"} {
				inline, _ := r.props[k].([]any)
				for _, p := range inline {
					p, _ := p.(map[string]any)
					x.checkRule(x.ruleOf(r, p, k == "SecurityGroupIngress", r.placeholder()))
				}
			}
		case "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress":
			group := x.render(r.stack, r.props["GroupId"])
			if r.props["GroupId"] == nil {
				group = x.render(r.stack, r.props["GroupName"])
			}
			x.checkRule(x.ruleOf(r, r.props, r.typ == "AWS::EC2::SecurityGroupIngress", group))
		}
	}
}

func (x *index) ruleOf(holder *resource, p map[string]any, ingress bool, group string) rule {
	peers := []string{"CidrIp", "CidrIpv6", "SourceSecurityGroupId", "SourceSecurityGroupName", "SourcePrefixListId"}
	if !ingress {
		peers = []string{"CidrIp", "CidrIpv6", "DestinationSecurityGroupId", "DestinationPrefixListId"}
	}
	ru := rule{holder: holder, ingress: ingress, group: group, peer: "*"}
	for _, k := range peers {
		if v, ok := p[k]; ok {
			ru.peer = x.render(holder.stack, v)
			break
		}
	}
	proto := x.render(holder.stack, p["IpProtocol"])
	from, to := x.render(holder.stack, p["FromPort"]), x.render(holder.stack, p["ToPort"])
	switch {
	case proto == "-1" || proto == "all":
		ru.ports = "all traffic"
	case from == to:
		ru.ports = proto + " " + from
	default:
		ru.ports = proto + " " + from + "-" + to
	}
	return ru
}

// sgOf is the env's security group a rendered value names, if any.
func sgOf(v string) (ref, bool) {
	refs := refsIn(v)
	if len(refs) == 0 {
		return ref{}, false
	}
	return refs[0], true
}

// checkRule: into a service's database security group, only its own pods'
// group may come, on any port; no service's pods' group may go out to
// another service's database.
func (x *index) checkRule(ru rule) {
	x.report.Rules++
	group, _ := sgOf(ru.group)
	peer, peerIsGroup := sgOf(ru.peer)
	report := func(msg string) {
		x.find(Finding{Stack: ru.holder.stack, LogicalID: ru.holder.id, Message: msg})
	}
	if ru.ingress {
		for _, owner := range x.dbSGs[group] {
			x.report.Services[owner].DatabaseRules++
			if peerIsGroup && x.podSGs[peer] == owner {
				continue
			}
			report(fmt.Sprintf("security group rule lets %s into %s's database security group %s on %s", x.peerName(ru.peer), owner, group.id, ru.ports))
		}
		return
	}
	from := x.podSGs[group]
	if !peerIsGroup {
		return
	}
	for _, owner := range x.dbSGs[peer] {
		x.report.Services[owner].DatabaseRules++
		if from != "" && from != owner {
			report(fmt.Sprintf("security group rule lets %s out to %s's database security group %s on %s", x.peerName(ru.group), owner, peer.id, ru.ports))
		}
	}
}

// peerName names a rule's peer: a service's pods (or other) security
// group, another group of the env, or the literal CIDR or id.
func (x *index) peerName(v string) string {
	g, ok := sgOf(v)
	if !ok {
		return v
	}
	if svc, ok := x.podSGs[g]; ok {
		return fmt.Sprintf("service %s's pods security group %s", svc, g.id)
	}
	if res := x.resources[g]; res != nil && res.service != "" {
		if slices.Contains(x.dbSGs[g], res.service) {
			return fmt.Sprintf("service %s's database security group %s", res.service, g.id)
		}
		return fmt.Sprintf("service %s's security group %s", res.service, g.id)
	}
	return "security group " + g.String()
}
