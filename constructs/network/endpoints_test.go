package network

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/internal/catalogcheck"
)

// TestEndpointTable: every row is a gateway or an interface endpoint, not
// both, ids are unique, and the table's doc comment (the one place that
// says what each policy admits and why) has a row for each.
func TestEndpointTable(t *testing.T) {
	src, err := os.ReadFile("endpoints.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)[:strings.Index(string(src), "var endpoints = ")]
	rows := map[string]bool{}
	for _, row := range strings.Split(doc, "\n//   - ")[1:] {
		names, _, _ := strings.Cut(row, "(")
		for _, n := range strings.Split(strings.NewReplacer("//", "", "\n", "").Replace(names), ",") {
			rows[strings.TrimSpace(n)] = true
		}
	}
	ids := map[string]bool{}
	for _, ep := range endpoints {
		if (ep.gateway == nil) == (ep.iface == nil) {
			t.Errorf("%s: set exactly one of gateway and iface", ep.id)
		}
		if ids[ep.id] {
			t.Errorf("%s: duplicate id", ep.id)
		}
		ids[ep.id] = true
		if !rows[ep.id] {
			t.Errorf("%s: no row in the doc comment of endpoints", ep.id)
		}
	}
	for n := range rows {
		if !ids[n] {
			t.Errorf("the doc comment of endpoints has a row for %q, which is no endpoint", n)
		}
	}
}

// endpointPolicies returns the endpoint policy statements by service (the part
// of the service name after the region: s3, sts, ecr.api...).
func endpointPolicies(t *testing.T) map[string][]map[string]any {
	t.Helper()
	stack := constructtest.NewStack(t)
	NewNetwork(stack, "Network", NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
	tmpl := constructtest.Template(t, stack)
	out := map[string][]map[string]any{}
	for _, p := range propertiesOf(tmpl, "AWS::EC2::VPCEndpoint") {
		name := catalogcheck.Render(p["ServiceName"])
		svc := name[strings.LastIndex(name, constructtest.Region)+len(constructtest.Region)+1:]
		if i := strings.Index(name, "<AWS::Region>."); i >= 0 {
			svc = name[i+len("<AWS::Region>."):]
		}
		doc, _ := p["PolicyDocument"].(map[string]any)
		if doc == nil {
			t.Errorf("%s: no PolicyDocument: the endpoint reaches every account's resources", name)
			continue
		}
		for _, s := range doc["Statement"].([]any) {
			out[svc] = append(out[svc], s.(map[string]any))
		}
	}
	return out
}

// stringEquals is a statement's StringEquals condition block, or nil.
func stringEquals(s map[string]any) map[string]any {
	cond, _ := s["Condition"].(map[string]any)
	eq, _ := cond["StringEquals"].(map[string]any)
	return eq
}

// strs is a statement's Action or Resource as a list.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = catalogcheck.Render(s)
		}
		return out
	}
	return nil
}

func TestEndpointPolicies(t *testing.T) {
	policies := endpointPolicies(t)
	account := constructtest.Account
	ownAccount := map[string]any{"aws:PrincipalAccount": account, "aws:ResourceAccount": account}
	t.Run("every endpoint has a policy", func(t *testing.T) {
		if len(policies) != len(endpoints) {
			t.Errorf("%d endpoints with a policy, want %d", len(policies), len(endpoints))
		}
	})
	t.Run("every statement on all resources is bound to the env's account", func(t *testing.T) {
		for svc, stmts := range policies {
			for _, s := range stmts {
				if s["Effect"] != "Allow" {
					t.Errorf("%s %v: only Allow statements expected", svc, s["Sid"])
				}
				if !slices.Contains(strs(s["Resource"]), "*") {
					continue
				}
				if eq := stringEquals(s); eq["aws:PrincipalAccount"] != account && eq["aws:ResourceAccount"] != account {
					t.Errorf("%s %v allows every resource without aws:PrincipalAccount or aws:ResourceAccount = %s: %v", svc, s["Sid"], account, s["Condition"])
				}
			}
		}
	})
	t.Run("first statement per endpoint, as the table says", func(t *testing.T) {
		for svc, want := range map[string]map[string]any{
			"s3": ownAccount, "dynamodb": ownAccount, "ecr.api": ownAccount, "ecr.dkr": ownAccount,
			"logs": ownAccount, "ec2": ownAccount, "elasticloadbalancing": ownAccount,
			"ssm": ownAccount, "ssmmessages": ownAccount, "ec2messages": ownAccount,
			// Web identity calls (IRSA) are unsigned: only the role's account can be checked.
			"sts": {"aws:ResourceAccount": account},
			// AssumeRoleForPodIdentity: the principal's account only.
			"eks-auth": {"aws:PrincipalAccount": account},
		} {
			stmts := policies[svc]
			if len(stmts) == 0 {
				t.Errorf("%s: no policy", svc)
				continue
			}
			got := stringEquals(stmts[0])
			if len(got) != len(want) || got["aws:PrincipalAccount"] != want["aws:PrincipalAccount"] || got["aws:ResourceAccount"] != want["aws:ResourceAccount"] {
				t.Errorf("%s: first statement's StringEquals %v, want %v", svc, got, want)
			}
			if a := strs(stmts[0]["Action"]); len(a) != 1 || a[0] != "*" {
				t.Errorf("%s: first statement's actions %v, want *", svc, a)
			}
		}
	})
	t.Run("S3 reaches exactly the AWS-owned buckets the nodes need", func(t *testing.T) {
		var reads, writes []string
		for _, s := range policies["s3"] {
			switch a := strs(s["Action"]); {
			case slices.Equal(a, []string{"s3:GetObject"}):
				reads = append(reads, strs(s["Resource"])...)
			case slices.Equal(a, []string{"s3:PutObject"}):
				writes = append(writes, strs(s["Resource"])...)
			}
			if s["Condition"] == nil && slices.ContainsFunc(strs(s["Resource"]), func(r string) bool { return strings.Contains(r, "*/") || r == "*" }) {
				t.Errorf("%v: a bucket wildcard without a condition", s["Sid"])
			}
		}
		slices.Sort(reads)
		want := []string{
			"arn:aws:s3:::al2023-ap-northeast-1/*",
			"arn:aws:s3:::al2023-repos-ap-northeast-1-de612dc2/*",
			"arn:aws:s3:::amazon-ssm-ap-northeast-1/*",
			"arn:aws:s3:::amazon-ssm-packages-ap-northeast-1/*",
			"arn:aws:s3:::ap-northeast-1-birdwatcher-prod/*",
			"arn:aws:s3:::aws-ssm-ap-northeast-1/*",
			"arn:aws:s3:::aws-ssm-distributor-file-ap-northeast-1/*",
			"arn:aws:s3:::aws-ssm-document-attachments-ap-northeast-1/*",
			"arn:aws:s3:::patch-baseline-snapshot-ap-northeast-1/*",
			"arn:aws:s3:::prod-ap-northeast-1-starport-layer-bucket/*",
		}
		if !slices.Equal(reads, want) {
			t.Errorf("AWS-owned buckets read:\n got %v\nwant %v", reads, want)
		}
		if want := []string{"arn:aws:s3:::cloudformation-custom-resource-response-apnortheast1/*"}; !slices.Equal(writes, want) {
			t.Errorf("AWS-owned buckets written: got %v, want %v", writes, want)
		}
	})
	t.Run("ECR pulls from any registry, by the env's principals only", func(t *testing.T) {
		for _, svc := range []string{"ecr.api", "ecr.dkr"} {
			s := policies[svc][1]
			if a := strs(s["Action"]); slices.ContainsFunc(a, func(x string) bool {
				return strings.Contains(x, "*") || strings.Contains(x, "Put") || strings.Contains(x, "Upload")
			}) {
				t.Errorf("%s: pulls from other registries include %v", svc, a)
			}
			if eq := stringEquals(s); len(eq) != 1 || eq["aws:PrincipalAccount"] != account {
				t.Errorf("%s: pulls not bound to the env's principals: %v", svc, eq)
			}
		}
	})
	t.Run("SSM reads AWS-owned documents and public parameters only", func(t *testing.T) {
		s := policies["ssm"][1]
		want := []string{"arn:aws:ssm:ap-northeast-1::document/*", "arn:aws:ssm:ap-northeast-1::parameter/aws/*"}
		if got := strs(s["Resource"]); !slices.Equal(got, want) {
			t.Errorf("resources %v, want %v", got, want)
		}
	})
}

func TestNetworkNeedsAConcreteRegion(t *testing.T) {
	defer func() {
		err, _ := recover().(error)
		if err == nil || !strings.Contains(err.Error(), "explicit region") {
			t.Fatalf("panic %v, want one asking for an explicit region", err)
		}
	}()
	agnostic := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Agnostic"), nil)
	NewNetwork(agnostic, "Network", NetworkProps{Cidr: "10.20.0.0/16", AvailabilityZones: constructtest.AZs, NatGateways: 1})
}
