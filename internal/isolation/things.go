package isolation

import (
	"fmt"
	"slices"
	"strings"
)

// thing is something one service owns and no other may reach.
type thing struct {
	service string
	// what names it in a message: "table prd-catalog".
	what string
	// refs are the resources whose Ref or GetAtt names it.
	refs []ref
	// samples are concrete ARNs of it (parts the template does not know,
	// such as a cluster's resource id, stay placeholders): a literal or
	// wildcard resource that matches one, with an action of its
	// namespace, reaches it. {grantee} stands for the grantee's database
	// user.
	samples []sample
	// key is a KMS key: a grant conditioned on an encryption context that
	// names only the grantee's own tables does not reach it.
	key bool
}

type sample struct{ namespace, arn string }

// secretSuffix is the 6 random characters Secrets Manager appends.
const secretSuffix = "-AbCdEf"

func (x *index) indexThings() {
	x.byRef = map[ref][]*thing{}
	x.roles, x.podSGs, x.dbSGs = map[ref]string{}, map[ref]string{}, map[ref][]string{}
	x.tables = map[string][]*resource{}
	seenKeys := map[string]bool{}
	for _, r := range x.order {
		if r.service == "" {
			continue
		}
		x.add(x.describe(r))
		counts := x.report.Services[r.service]
		switch r.typ {
		case "AWS::IAM::Role":
			if strings.HasPrefix(r.rest, "Identity/") || trustsPods(r.props["AssumeRolePolicyDocument"]) {
				x.roles[r.ref] = r.service
				counts.Roles++
			}
		case "AWS::EC2::SecurityGroup":
			switch {
			case strings.HasPrefix(r.rest, "PodSecurityGroup/"):
				x.podSGs[r.ref] = r.service
			case strings.HasPrefix(r.rest, "Database/"):
				x.guard(r.ref, r.service)
			}
		case "AWS::RDS::DBCluster", "AWS::RDS::DBInstance":
			if r.typ == "AWS::RDS::DBCluster" {
				counts.DataStores++
			}
			for _, v := range x.values(r.stack, r.props["VpcSecurityGroupIds"]) {
				for _, sg := range refsIn(v) {
					x.guard(sg, r.service)
				}
			}
		case "AWS::DynamoDB::Table":
			x.tables[r.service] = append(x.tables[r.service], r)
			counts.DataStores++
		}
		if strings.HasPrefix(r.typ, "AWS::IAM::") {
			continue
		}
		// Keys of others that encrypt it: reaching the key is reaching it.
		for _, k := range x.keysOf(r) {
			if owner := x.resources[k].service; owner == r.service || seenKeys[k.String()+" "+r.ref.String()] {
				continue
			}
			seenKeys[k.String()+" "+r.ref.String()] = true
			x.add(&thing{service: r.service, key: true, refs: []ref{k},
				what:    fmt.Sprintf("%s through the key %s that encrypts it", x.describe(r).what, k),
				samples: []sample{{"kms", x.arn("kms", "key/"+k.placeholder())}}})
		}
	}
	for _, svc := range x.ServiceNames() {
		x.add(&thing{service: svc, what: fmt.Sprintf("secrets %s/%s/", x.env.Name, svc),
			samples: []sample{{"secretsmanager", x.arn("secretsmanager", fmt.Sprintf("secret:%s/%s/x%s", x.env.Name, svc, secretSuffix))}}})
		for _, p := range x.partitions() {
			t := &thing{service: svc, what: "log partition " + p.root + "service=" + svc + "/"}
			for _, b := range p.buckets {
				t.samples = append(t.samples, sample{"s3", b + "/" + p.root + "service=" + svc + "/dt=2026-01-01/x.gz"})
			}
			x.add(t)
		}
	}
	for _, t := range x.things {
		x.report.Services[t.service].Protected++
	}
}

func (x *index) add(t *thing) {
	x.things = append(x.things, t)
	for _, r := range t.refs {
		x.byRef[r] = append(x.byRef[r], t)
	}
}

func (x *index) guard(sg ref, svc string) {
	if !slices.Contains(x.dbSGs[sg], svc) {
		x.dbSGs[sg] = append(x.dbSGs[sg], svc)
		x.report.Services[svc].DatabaseGroups++
	}
}

// ServiceNames are the services found, sorted.
func (x *index) ServiceNames() []string { return x.report.ServiceNames() }

// trustsPods tells whether a trust policy admits EKS Pod Identity or a
// web identity (IRSA): the role is one pods act as.
func trustsPods(doc any) bool {
	d, _ := doc.(map[string]any)
	st, _ := d["Statement"].([]any)
	for _, s := range st {
		p, _ := s.(map[string]any)["Principal"].(map[string]any)
		if p["Federated"] != nil || strings.Contains(fmt.Sprint(p["Service"]), "pods.eks.amazonaws.com") {
			return true
		}
	}
	return false
}

// describe is a service's resource as a protected thing.
func (x *index) describe(r *resource) *thing {
	t := &thing{service: r.service, refs: []ref{r.ref}}
	name := func(prop string) string {
		if v, ok := r.props[prop]; ok {
			return x.render(r.stack, v)
		}
		return r.placeholder()
	}
	switch r.typ {
	case "AWS::DynamoDB::Table":
		n := name("TableName")
		t.what = "table " + n
		for _, s := range []string{"", "/index/x", "/stream/x", "/backup/x", "/export/x"} {
			t.samples = append(t.samples, sample{"dynamodb", x.arn("dynamodb", "table/"+n+s)})
		}
	case "AWS::RDS::DBCluster":
		n := name("DBClusterIdentifier")
		id := fmt.Sprintf("<%s.DBClusterResourceId>", r.ref)
		t.what = "database " + n
		t.samples = []sample{
			{"rds", x.arn("rds", "cluster:"+n)},
			{"rds-db", x.arn("rds-db", "dbuser:"+id+"/"+databaseUser(r.service))},
			{"rds-db", x.arn("rds-db", "dbuser:"+id+"/{grantee}")},
			{"secretsmanager", x.arn("secretsmanager", "secret:rds!cluster-"+id+secretSuffix)},
		}
	case "AWS::RDS::DBInstance":
		n := name("DBInstanceIdentifier")
		t.what = "database instance " + n
		t.samples = []sample{{"rds", x.arn("rds", "db:"+n)}}
	case "AWS::ECR::Repository":
		n := name("RepositoryName")
		t.what = "repository " + n
		t.samples = []sample{{"ecr", x.arn("ecr", "repository/"+n)}}
	case "AWS::KMS::Key":
		t.what, t.key = "key "+r.id, true
		t.samples = []sample{{"kms", x.arn("kms", "key/"+r.placeholder())}}
	case "AWS::Logs::LogGroup":
		n := name("LogGroupName")
		t.what = "log group " + n
		t.samples = []sample{{"logs", x.arn("logs", "log-group:"+n)}, {"logs", x.arn("logs", "log-group:"+n+":*")}}
	case "AWS::SecretsManager::Secret":
		n := name("Name")
		t.what = "secret " + n
		t.samples = []sample{{"secretsmanager", x.arn("secretsmanager", "secret:"+n+secretSuffix)}}
	case "AWS::S3::Bucket":
		n := name("BucketName")
		t.what = "bucket " + n
		b := fmt.Sprintf("arn:%s:s3:::%s", x.env.Partition, n)
		t.samples = []sample{{"s3", b}, {"s3", b + "/x"}}
	case "AWS::EC2::SecurityGroup":
		t.what = "security group " + r.id
		t.samples = []sample{{"ec2", x.arn("ec2", "security-group/"+r.placeholder())}}
	case "AWS::IAM::Role":
		t.what = "role " + r.id
		t.samples = []sample{{"iam", x.roleARN(r.ref)}}
	default:
		t.what = r.typ + " " + r.id
	}
	return t
}

func (x *index) roleARN(r ref) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", x.env.Partition, x.env.Account, r.placeholder())
}

// databaseUser is the PostgreSQL role a service connects as (see
// constructs/service.DatabaseUser).
func databaseUser(service string) string { return strings.ReplaceAll(service, "-", "_") }

// keysOf are the KMS keys of the env that r's encryption properties (any
// property named *kms*) name.
func (x *index) keysOf(r *resource) []ref {
	var out []ref
	var walk func(v any, kms bool)
	walk = func(v any, kms bool) {
		switch v := v.(type) {
		case map[string]any:
			if intrinsic(v) {
				if kms {
					for _, k := range refsIn(x.render(r.stack, v)) {
						if res := x.resources[k]; res != nil && res.typ == "AWS::KMS::Key" && !slices.Contains(out, k) {
							out = append(out, k)
						}
					}
				}
				return
			}
			for k, e := range v {
				walk(e, kms || strings.Contains(strings.ToLower(k), "kms"))
			}
		case []any:
			for _, e := range v {
				walk(e, kms)
			}
		}
	}
	walk(r.props, false)
	slices.SortFunc(out, func(a, b ref) int { return strings.Compare(a.String(), b.String()) })
	return out
}

func intrinsic(v map[string]any) bool {
	for k := range v {
		return len(v) == 1 && (k == "Ref" || strings.HasPrefix(k, "Fn::"))
	}
	return false
}

// partition is a log stream partitioned by service: the prefix before
// service=, in its buckets (by every form an ARN of them may take).
type partition struct {
	root    string
	buckets []string
}

func (x *index) partitions() []partition {
	var out []partition
	for _, r := range x.order {
		if r.typ != "AWS::KinesisFirehose::DeliveryStream" {
			continue
		}
		for _, cfg := range []string{"ExtendedS3DestinationConfiguration", "S3DestinationConfiguration"} {
			dest, _ := r.props[cfg].(map[string]any)
			prefix, _ := dest["Prefix"].(string)
			root, _, ok := strings.Cut(prefix, "service=")
			if !ok || (root != "" && !strings.HasSuffix(root, "/")) {
				continue
			}
			bucket := x.render(r.stack, dest["BucketARN"])
			p := partition{root: root, buckets: []string{bucket}}
			for _, b := range refsIn(bucket) {
				p.buckets = append(p.buckets, fmt.Sprintf("arn:%s:s3:::%s", x.env.Partition, b.placeholder()))
				if res := x.resources[b]; res != nil && res.props["BucketName"] != nil {
					p.buckets = append(p.buckets, fmt.Sprintf("arn:%s:s3:::%s", x.env.Partition, x.render(b.stack, res.props["BucketName"])))
				}
			}
			out = append(out, p)
		}
	}
	return out
}
