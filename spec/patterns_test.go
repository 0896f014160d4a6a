package spec

import "testing"

// TestIdentifierPatterns: each check config validation and the constructs
// share accepts the identifiers AWS, GitHub, Slack and Kubernetes issue and
// refuses the near misses users write.
func TestIdentifierPatterns(t *testing.T) {
	for _, tc := range []struct {
		name     string
		is       func(string) bool
		accepted []string
		refused  []string
	}{
		{"GitHub repository", IsGitHubRepository,
			[]string{"ecplatform/eks-platform", "a/b.c_d-e"},
			[]string{"ecplatform/*", "ecplatform", "-owner/repo", "owner/", "owner/repo/extra"}},
		{"GitHub environment", IsGitHubEnvironment,
			[]string{"prd", "prd.deploy_1-a"},
			[]string{"*", "", "prd deploy"}},
		{"CDK qualifier", IsCDKQualifier,
			[]string{DefaultCDKQualifier, "a1"},
			[]string{"", "Upper", "elevenchars"}},
		{"Slack workspace id", IsSlackWorkspaceID,
			[]string{"T01234567"},
			[]string{"", "t01234567", "#general"}},
		{"Slack channel id", IsSlackChannelID,
			[]string{"C01234567", "c0123abc"},
			[]string{"", "#alerts", "C0123-456"}},
		{"Direct Connect gateway id", IsDirectConnectGatewayID,
			[]string{"5f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8"},
			[]string{"", "dxgw-12345678", "5F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8"}},
		{"transit gateway id", IsTransitGatewayID,
			[]string{"tgw-0123abcd", "tgw-0123456789abcdef0"},
			[]string{"", "tgw-0123abc", "tgw-0123456789abcdef01", "tgw-XYZ12345"}},
		{"DNS label", IsDNSLabel,
			[]string{"istio-ingress", "a", "0abc"},
			[]string{"", "-a", "a-", "Upper", "a.b", "a23456789012345678901234567890123456789012345678901234567890123x"}},
		{"service name", IsServiceName,
			[]string{"members", "order-history"},
			[]string{"a", "1abc", "abc-", "a234567890123456789012345678901"}},
		{"pool name", IsPoolName,
			[]string{"general", "gpu1"},
			[]string{"", "General", "gen-eral", "a2345678901234567"}},
		{"node group name", IsNodeGroupName,
			[]string{"general-1-34", "ab"},
			[]string{"a", "general-", "1general"}},
		{"route prefix", IsRoutePrefix,
			[]string{"/", "/members", "/v1/orders~x"},
			[]string{"", "members", "/members/", "//x", "/a b"}},
		{"log group name", IsLogGroupName,
			[]string{"/platform/prd/alerting", "/aws/eks/prd-blue/cluster", "a#b_c.d-e"},
			[]string{"", "platform alerting", "/platform/prd:alerting"}},
		{"SSM parameter path", IsParameterPath,
			[]string{"/platform/prd/cluster/blue", "/a"},
			[]string{"", "platform/prd", "/platform/", "/a b"}},
		{"secret JSON field", IsSecretJSONField,
			[]string{DefaultDatadogApiKeyField, "api.key-1"},
			[]string{"", "api key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.accepted {
				if !tc.is(s) {
					t.Errorf("%q refused", s)
				}
			}
			for _, s := range tc.refused {
				if tc.is(s) {
					t.Errorf("%q accepted", s)
				}
			}
		})
	}
}

func TestParseSecretArn(t *testing.T) {
	for _, tc := range []struct {
		arn, region, account string
		ok                   bool
	}{
		{"arn:aws:secretsmanager:ap-northeast-1:320987654321:secret:stg/datadog/api-key-AbC123", "ap-northeast-1", "320987654321", true},
		{"arn:aws:secretsmanager:ap-northeast-1:320987654321:secret:stg/datadog/api-key", "", "", false},
		{"stg/datadog/api-key-AbC123", "", "", false},
	} {
		region, account, ok := ParseSecretArn(tc.arn)
		if region != tc.region || account != tc.account || ok != tc.ok {
			t.Errorf("ParseSecretArn(%s) = %s, %s, %v, want %s, %s, %v", tc.arn, region, account, ok, tc.region, tc.account, tc.ok)
		}
	}
}

func TestParseKeyAttribute(t *testing.T) {
	for _, tc := range []struct {
		s, name, attributeType string
		ok                     bool
	}{
		{"pk:S", "pk", "S", true},
		{"order.id:N", "order.id", "N", true},
		{"pk:BOOL", "", "", false},
		{"pk", "", "", false},
	} {
		name, typ, ok := ParseKeyAttribute(tc.s)
		if name != tc.name || typ != tc.attributeType || ok != tc.ok {
			t.Errorf("ParseKeyAttribute(%s) = %s, %s, %v", tc.s, name, typ, ok)
		}
	}
}

func TestAuroraEngineMajor(t *testing.T) {
	for _, tc := range []struct {
		version, major string
		ok             bool
	}{
		{"16.6", "16", true}, {"13.20", "13", true}, {"12.9", "", false}, {"16", "", false}, {"16.6.1", "", false},
	} {
		if major, ok := AuroraEngineMajor(tc.version); major != tc.major || ok != tc.ok {
			t.Errorf("AuroraEngineMajor(%s) = %s, %v, want %s, %v", tc.version, major, ok, tc.major, tc.ok)
		}
	}
}
