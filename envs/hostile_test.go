package envs

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The budget of refusing one hostile file: what loading any env file may
// cost on CI's 2 cores, whatever it holds.
const (
	hostileTimeBudget  = time.Second
	hostileAllocBudget = 100 << 20 // bytes allocated during the call, an upper bound of its peak
)

// hostileInput is a file built to make the loader or what follows it do
// unbounded work, or deploy what no reviewer saw.
type hostileInput struct {
	name string
	data func(dev string) []byte
	want string // in the error
}

// replace is dev.yaml with old replaced by new, once; it fails loudly if
// dev.yaml no longer holds old.
func replace(old, new string) func(string) []byte {
	return func(dev string) []byte {
		if !strings.Contains(dev, old) {
			panic(fmt.Sprintf("dev.yaml does not contain %q", old))
		}
		return []byte(strings.Replace(dev, old, new, 1))
	}
}

// aliasBomb nests aliases of aliases, each level multiplying the last by
// 1,000: a 13 KB file that stands for a billion taints (1,000 clusters of
// 1,000 node groups of 1,000 taints) once aliases are expanded.
func aliasBomb(dev string) []byte {
	var b strings.Builder
	b.WriteString(dev[:strings.Index(dev, "clusters:")])
	aliases := func(name string) string { return strings.TrimSuffix(strings.Repeat("*"+name+", ", 999), ", ") }
	fmt.Fprintf(&b, "clusters:\n  - &c {name: blue, version: \"1.34\", access: {adminRoleArns: [\"arn:aws:iam::210987654321:role/platform-admin\"]},\n")
	fmt.Fprintf(&b, "      nodeGroups: [&g {pool: general, version: \"1.34\", amiType: AL2023_x86_64_STANDARD, instanceTypes: [m7i.large], minSize: 2, desiredSize: 2, maxSize: 6,\n")
	fmt.Fprintf(&b, "        taints: [&t {key: a, value: b, effect: NO_SCHEDULE}, %s]}, %s]}\n", aliases("t"), aliases("g"))
	fmt.Fprintf(&b, "  - %s\n", strings.ReplaceAll(aliases("c"), ", ", "\n  - "))
	b.WriteString(dev[strings.Index(dev, "logging:"):])
	return []byte(b.String())
}

// deep is dev.yaml with a value nested n levels deep by open and close.
func deep(n int, open, close string) func(string) []byte {
	return replace("  cost-center: platform-dev\n", "  cost-center: "+strings.Repeat(open, n)+"x"+strings.Repeat(close, n)+"\n")
}

// deepBlock nests mappings by indentation, which costs the file n² bytes.
func deepBlock(n int) func(string) []byte {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", 2*i) + "a:\n")
	}
	return func(dev string) []byte { return []byte(dev + "x-deep:\n" + indent(b.String(), "  ")) }
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+prefix) + "\n"
}

// many is dev.yaml with old replaced by prefix, n items joined by sep, and
// suffix; item is formatted with the item's index.
func many(old, prefix, item, sep, suffix string, n int) func(string) []byte {
	return func(dev string) []byte {
		items := make([]string, n)
		for i := range items {
			items[i] = strings.ReplaceAll(item, "%d", fmt.Sprint(i))
		}
		return replace(old, prefix+strings.Join(items, sep)+suffix)(dev)
	}
}

var (
	devServices  = "services: [api-gateway]"
	devGroupEnd  = "        maxSize: 6\n"
	devNodeGroup = `{name: g%d, pool: general, version: "1.34", amiType: AL2023_x86_64_STANDARD, instanceTypes: [m7i.large], minSize: 2, desiredSize: 2, maxSize: 6}`
)

var hostileInputs = []hostileInput{
	{"alias bomb", aliasBomb, "dev.yaml:26: clusters: at most 4 clusters, got 1000"},
	{"anchor", replace("protection:\n  retainStatefulResources: false", "protection: &p\n  retainStatefulResources: false"), "dev.yaml:7: protection: YAML anchors (&p) are not supported"},
	{"alias", replace("readOnlyRoleArns: [\"arn:aws:iam::210987654321:role/developer\"]", "readOnlyRoleArns: *admins"), "readOnlyRoleArns: YAML aliases (*admins) are not supported"},
	{"flow sequences 100,000 deep", deep(100_000, "[", "]"), `dev.yaml:11: tags["cost-center"][0][0][0]`},
	{"flow mappings 50,000 deep", deep(50_000, "{a: ", "}"), `tags["cost-center"].a.a.a`},
	{"brackets up to the size cap", func(dev string) []byte {
		return append([]byte(dev+"x: "), bytes.Repeat([]byte("["), MaxFileBytes-len(dev)-3)...)
	}, "nested deeper than 16 levels"},
	{"compact sequences 100,000 deep", replace("  cost-center: platform-dev\n", "  cost-center:\n    "+strings.Repeat("- ", 100_000)+"x\n"), "nested deeper than 16 levels"},
	{"block mappings 500 deep", deepBlock(500), "x-deep.a.a.a.a"},
	{"!!binary", replace("publicAccessCidrs: [203.0.113.0/24]", "publicAccessCidrs: [!!binary MC4wLjAuMC8w]"), `dev.yaml:30: clusters[0].endpoint.publicAccessCidrs[0]: YAML tag !!binary is not supported (this one decodes to "0.0.0.0/0")`},
	{"custom tag", replace("natGateways: 1", "natGateways: !env NAT"), "natGateways: YAML tag !env is not supported"},
	{"%TAG directive", func(dev string) []byte { return []byte("%TAG !! tag:example.com,2000:\n---\n" + dev) }, "dev.yaml:1: YAML directives (%TAG, %YAML) are not supported"},
	{"CDK string token", replace("owner: platform-team", "owner: ${Token[AWS.AccountId.2]}"), `dev.yaml:12: tags["owner"]: string "${Token[AWS.AccountId.2]}" holds a CDK token`},
	{"unknown CDK token", replace("owner: platform-team", `owner: "${Token[Foo.987654]}"`), "holds a CDK token"},
	{"CDK list token", replace("- 10.0.0.0/14", "- '#{Token[TOKEN.12]}'"), "network.onPremCidrs[0]: string \"#{Token[TOKEN.12]}\" holds a CDK token (#{Token[...]})"},
	{"CDK number token", replace("natGateways: 1", "natGateways: -1.8881545897087626e+289"), "network.natGateways: number -1.8881545897087626e+289 is a CDK number token"},
	{"CDK number token in a string", replace("owner: platform-team", `owner: "-1.8881545897087626e+289"`), "holds a CDK number token"},
	{"CDK token in a key", replace("owner: platform-team", `"${Token[AWS.Region.4]}": x`), `tags["${Token[AWS.Region.4]}"]: key "${Token[AWS.Region.4]}" holds a CDK token`},
	{"dynamic reference", replace("owner: platform-team", "owner: '{{resolve:ssm:/platform/owner}}'"), "holds a CloudFormation dynamic reference"},
	{"not UTF-8", replace("owner: platform-team", "owner: platform-\xffteam"), `dev.yaml:12: tags["owner"]: byte 0xFF is not UTF-8 at column 19`},
	{"NUL", replace("owner: platform-team", "owner: platform\x00team"), `dev.yaml:12: tags["owner"]: a NUL byte at column 18`},
	{"escape character", replace("owner: platform-team", "owner: platform\x1b[8mteam"), "control character U+001B"},
	{"bidirectional override", replace("- 10.0.0.0/14", "- 10.0.0.0/14 # \u202e"), "network.onPremCidrs[0]: Unicode bidirectional control U+202E"},
	{"a file of NUL bytes", func(string) []byte { return make([]byte, MaxFileBytes) }, "dev.yaml: and 262124 more characters that an env file may not hold"},
	{"NUL bytes in a comment", func(dev string) []byte { return append([]byte(dev+"# "), make([]byte, MaxFileBytes-len(dev)-2)...) }, "a NUL byte at column 3"},
	{"bytes that are not UTF-8", func(dev string) []byte {
		return append([]byte(dev), bytes.Repeat([]byte{0xff}, MaxFileBytes-len(dev))...)
	}, "byte 0xFF is not UTF-8 at column 1"},
	{"byte-order mark", func(dev string) []byte { return []byte("\ufeff" + dev) }, "byte-order mark"},
	{"2 MiB", func(dev string) []byte { return append([]byte(dev), bytes.Repeat([]byte("# padding\n"), 2<<20/10)...) }, "dev.yaml: the file is over 262144 bytes (256 KiB), the most an env file may hold"},
	{"tokens over the cap", many(devServices, "services: [", "1", ",", "]", MaxYAMLTokens), fmt.Sprintf("more than %d YAML tokens", MaxYAMLTokens)},
	{"largest list under the token cap", many(devServices, "services: [", "s%d", ",", "]", MaxYAMLTokens/2-500), fmt.Sprintf("logging.services: at most 200 services, got %d", MaxYAMLTokens/2-500)},
	{"51 taints", many(devGroupEnd, devGroupEnd+"        taints: [", "{key: t%d, effect: NO_SCHEDULE}", ", ", "]\n", MaxTaints+1), "clusters[0].nodeGroups[0].taints: at most 50 taints, got 51: EKS takes 50 per node group"},
	{"31 node groups", many("    nodeGroups:\n", "    nodeGroups:\n", "      - "+devNodeGroup, "\n", "\n", MaxNodeGroups), "clusters[0].nodeGroups: at most 30 node groups, got 31: EKS takes 30 managed node groups per cluster"},
	{"51 labels", many(devGroupEnd, devGroupEnd+"        labels: {", "l%d: x", ", ", "}\n", MaxLabels+1), "clusters[0].nodeGroups[0].labels: at most 50 labels, got 51"},
	{"41 tags", many("  owner: platform-team\n", "", "  t%d: x", "\n", "\n", MaxTags), "tags: at most 40 tags, got 41"},
	{"5 clusters", func(dev string) []byte {
		cluster := dev[strings.Index(dev, "  - name: blue"):strings.Index(dev, "services:\n")]
		var b strings.Builder
		for _, name := range []string{"c1", "c2", "c3", "c4"} {
			b.WriteString(strings.Replace(cluster, "name: blue", "name: "+name, 1))
		}
		return replace("services:\n", b.String()+"services:\n")(dev)
	}, "dev.yaml:26: clusters: at most 4 clusters, got 5"},
	{"16,000 keys in a mapping", many("name: dev\n", "name: dev\n", "x%d: 1", "\n", "\n", 16_000), "dev.yaml:503: a mapping of more than 500 keys"},
	{"500 errors", many(devServices, "services: [", "BAD_%d", ", ", "]", MaxServices), "and 100 more problems, not shown: fix these first"},
}

// TestHostileInputsAreRefusedCheaply: each hostile file is refused, with
// its file, line and field, within the time and memory any env file may
// cost (they are measured, and logged with -v).
func TestHostileInputsAreRefusedCheaply(t *testing.T) {
	devBytes, err := os.ReadFile("dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dev := string(devBytes)
	for _, tc := range hostileInputs {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(dev)
			err, took, alloc := measureParse(t, data)
			t.Logf("%d bytes: refused in %v, %.1f MB allocated", len(data), took.Round(time.Millisecond), float64(alloc)/(1<<20))
			if err == nil {
				t.Fatalf("Parse accepted it")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not contain %q; got:\n%.2000s", tc.want, err)
			}
			if took > hostileTimeBudget {
				t.Errorf("took %v, want at most %v", took, hostileTimeBudget)
			}
			if alloc > hostileAllocBudget {
				t.Errorf("allocated %d MB, want at most %d MB", alloc>>20, hostileAllocBudget>>20)
			}
			if n := strings.Count(err.Error(), "\n") + 1; n > MaxReportedErrors+1 {
				t.Errorf("%d lines of errors, want at most %d and a count of the rest", n, MaxReportedErrors+1)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "dev.yaml") && !strings.HasPrefix(line, "and ") {
					t.Errorf("error does not name the file: %q", line)
				}
			}
		})
	}
}

// measureParse runs Parse on data and measures its time and the bytes it
// allocates. A Parse that outlives 10 times the budget fails the test
// instead of hanging it.
func measureParse(t *testing.T, data []byte) (err error, took time.Duration, alloc uint64) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := Parse("dev.yaml", data)
		done <- err
	}()
	select {
	case err = <-done:
	case <-time.After(10 * hostileTimeBudget):
		t.Fatalf("Parse still running after %v", 10*hostileTimeBudget)
	}
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return err, took, after.TotalAlloc - before.TotalAlloc
}
