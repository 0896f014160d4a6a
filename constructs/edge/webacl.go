package edge

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/spec"
)

// ManagedRuleGroups are the AWS managed rule groups every web ACL runs, in
// evaluation order: reputation lists first (cheapest, most certain), then
// the request inspections.
// allowListSkips are the managed rule groups that judge who a client is
// rather than what it sends, and so skip allow-listed sources.
var allowListSkips = []string{"AWSManagedRulesAnonymousIpList", "AWSManagedRulesBotControlRuleSet"}

var ManagedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesAnonymousIpList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
	"AWSManagedRulesSQLiRuleSet",
}

// WebAclProps configures a WebAcl.
type WebAclProps struct {
	// Name of the web ACL and prefix of its metrics. Required.
	Name string
	// LoadBalancers are the internet-facing ALBs it protects. Required.
	LoadBalancers []elbv2.IApplicationLoadBalancer
	// RateLimit is the most requests one client IP may send per
	// RateWindowSeconds before being blocked. Required (>= 10).
	RateLimit int
	// RateWindowSeconds is 60, 120, 300 or 600. @default 300
	RateWindowSeconds int
	// AllowCidrs are trusted sources (offices, partners, monitors): they
	// are labelled, not allowed outright, and so pass the country block, the
	// anonymous-IP list and Bot Control, which misjudge them, while the IP
	// reputation list, the rate limit and the request inspections (common,
	// known bad inputs, SQLi) still see every request. BlockCidrs are always
	// blocked. They must not overlap.
	AllowCidrs, BlockCidrs []string
	// BlockCountries are ISO 3166 alpha-2 codes blocked outright.
	BlockCountries []string
	// BotControl adds the Bot Control rule group (common level; billed per request).
	BotControl bool
	// LogDestinationArn is a Firehose stream named aws-waf-logs-*. Required.
	LogDestinationArn *string
	// KeepQueryString logs query strings as sent. Leave it false where a
	// query string can carry a token or personal data (OAuth redirects,
	// signed links): the logs then show the path only.
	// @default false: query strings are redacted
	KeepQueryString bool
}

// AllowListLabel is the label the allow list puts on a request; rules that
// would misjudge trusted sources skip requests that carry it.
const AllowListLabel = "platform:allow-list"

// RedactedHeaders are the headers never written to WAF logs: they carry
// credentials (lowercase, as WAF matches single headers).
var RedactedHeaders = []string{"authorization", "cookie", "x-api-key"}

// Validate reports every problem with the props.
func (p WebAclProps) Validate() error {
	var errs []error
	if p.Name == "" || len(p.LoadBalancers) == 0 || p.LogDestinationArn == nil {
		errs = append(errs, errors.New("name, loadBalancers and logDestinationArn: required"))
	}
	if p.RateLimit < spec.MinRateLimit {
		errs = append(errs, fmt.Errorf("rateLimit: WAF's minimum is %d, got %d", spec.MinRateLimit, p.RateLimit))
	}
	if !slices.Contains(spec.RateWindows, p.RateWindowSeconds) {
		errs = append(errs, fmt.Errorf("rateWindowSeconds: must be one of %v, got %d", spec.RateWindows, p.RateWindowSeconds))
	}
	allow, err := parseCIDRs("allowCidrs", p.AllowCidrs)
	errs = append(errs, err)
	block, err := parseCIDRs("blockCidrs", p.BlockCidrs)
	errs = append(errs, err)
	for i, a := range allow {
		for j, b := range block {
			if a.Overlaps(b) {
				errs = append(errs, fmt.Errorf("allowCidrs[%d] %s overlaps blockCidrs[%d] %s", i, a, j, b))
			}
		}
	}
	for i, c := range p.BlockCountries {
		if len(c) != 2 || strings.ToUpper(c) != c {
			errs = append(errs, fmt.Errorf("blockCountries[%d]: must be an ISO 3166 alpha-2 code such as RU, got %q", i, c))
		}
	}
	return errors.Join(errs...)
}

func parseCIDRs(field string, cidrs []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	var errs []error
	for i, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil || !p.Addr().Is4() {
			errs = append(errs, fmt.Errorf("%s[%d]: must be an IPv4 CIDR, got %q", field, i, c))
			continue
		}
		out = append(out, p)
	}
	return out, errors.Join(errs...)
}

// WebAcl is a regional AWS WAF web ACL on internet-facing ALBs: a labelling
// allow list and a block list of IP sets, optional country blocks, a per-IP
// rate limit, the AWS managed rule groups (Bot Control by choice), metrics
// on every rule, and full logging to a Firehose stream with credentials
// (Authorization, Cookie, X-Api-Key) and, unless kept, query strings
// redacted.
type WebAcl struct {
	constructs.Construct
	Acl awswafv2.CfnWebACL
}

// NewWebAcl provisions the web ACL; it panics on invalid props.
func NewWebAcl(scope constructs.Construct, id string, props WebAclProps) *WebAcl {
	if props.RateWindowSeconds == 0 {
		props.RateWindowSeconds = spec.DefaultWafRateWindowSeconds
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	w := &WebAcl{Construct: self}
	visibility := func(metric string) *awswafv2.CfnWebACL_VisibilityConfigProperty {
		return &awswafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true),
			MetricName:               jsii.String(props.Name + "-" + metric),
			SampledRequestsEnabled:   jsii.Bool(true),
		}
	}
	var rules []any
	priority := 0
	add := func(rule *awswafv2.CfnWebACL_RuleProperty) {
		rule.Priority = jsii.Number(priority)
		priority++
		rules = append(rules, rule)
	}
	ipSet := func(name string, cidrs []string) *string {
		set := awswafv2.NewCfnIPSet(self, jsii.String(name), &awswafv2.CfnIPSetProps{
			Scope:            jsii.String("REGIONAL"),
			IpAddressVersion: jsii.String("IPV4"),
			Addresses:        jsii.Strings(cidrs...),
			Description:      jsii.String(name + " of " + props.Name),
		})
		return set.AttrArn()
	}
	// notAllowListed narrows a rule to requests from outside the allow list.
	var notAllowListed *awswafv2.CfnWebACL_StatementProperty
	if len(props.AllowCidrs) > 0 {
		// Count, not Allow: a terminating Allow would skip every rule below.
		add(&awswafv2.CfnWebACL_RuleProperty{
			Name:             jsii.String("AllowList"),
			Action:           &awswafv2.CfnWebACL_RuleActionProperty{Count: &awswafv2.CfnWebACL_CountActionProperty{}},
			RuleLabels:       &[]any{&awswafv2.CfnWebACL_LabelProperty{Name: jsii.String(AllowListLabel)}},
			Statement:        &awswafv2.CfnWebACL_StatementProperty{IpSetReferenceStatement: &awswafv2.CfnWebACL_IPSetReferenceStatementProperty{Arn: ipSet("AllowList", props.AllowCidrs)}},
			VisibilityConfig: visibility("allow-list"),
		})
		notAllowListed = &awswafv2.CfnWebACL_StatementProperty{NotStatement: &awswafv2.CfnWebACL_NotStatementProperty{
			Statement: &awswafv2.CfnWebACL_StatementProperty{LabelMatchStatement: &awswafv2.CfnWebACL_LabelMatchStatementProperty{
				Scope: jsii.String("LABEL"), Key: jsii.String(AllowListLabel),
			}},
		}}
	}
	if len(props.BlockCidrs) > 0 {
		add(&awswafv2.CfnWebACL_RuleProperty{
			Name:             jsii.String("BlockList"),
			Action:           &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{}},
			Statement:        &awswafv2.CfnWebACL_StatementProperty{IpSetReferenceStatement: &awswafv2.CfnWebACL_IPSetReferenceStatementProperty{Arn: ipSet("BlockList", props.BlockCidrs)}},
			VisibilityConfig: visibility("block-list"),
		})
	}
	if len(props.BlockCountries) > 0 {
		geo := &awswafv2.CfnWebACL_StatementProperty{GeoMatchStatement: &awswafv2.CfnWebACL_GeoMatchStatementProperty{CountryCodes: jsii.Strings(props.BlockCountries...)}}
		if notAllowListed != nil {
			geo = &awswafv2.CfnWebACL_StatementProperty{AndStatement: &awswafv2.CfnWebACL_AndStatementProperty{Statements: &[]any{geo, notAllowListed}}}
		}
		add(&awswafv2.CfnWebACL_RuleProperty{
			Name:             jsii.String("BlockCountries"),
			Action:           &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{}},
			Statement:        geo,
			VisibilityConfig: visibility("block-countries"),
		})
	}
	add(&awswafv2.CfnWebACL_RuleProperty{
		Name:   jsii.String("RateLimitPerIp"),
		Action: &awswafv2.CfnWebACL_RuleActionProperty{Block: &awswafv2.CfnWebACL_BlockActionProperty{}},
		Statement: &awswafv2.CfnWebACL_StatementProperty{RateBasedStatement: &awswafv2.CfnWebACL_RateBasedStatementProperty{
			Limit:               jsii.Number(props.RateLimit),
			EvaluationWindowSec: jsii.Number(props.RateWindowSeconds),
			AggregateKeyType:    jsii.String("IP"),
		}},
		VisibilityConfig: visibility("rate-limit"),
	})
	groups := slices.Clone(ManagedRuleGroups)
	if props.BotControl {
		groups = append(groups, "AWSManagedRulesBotControlRuleSet")
	}
	for _, g := range groups {
		stmt := &awswafv2.CfnWebACL_ManagedRuleGroupStatementProperty{VendorName: jsii.String("AWS"), Name: jsii.String(g)}
		if g == "AWSManagedRulesBotControlRuleSet" {
			stmt.ManagedRuleGroupConfigs = &[]any{&awswafv2.CfnWebACL_ManagedRuleGroupConfigProperty{
				AwsManagedRulesBotControlRuleSet: &awswafv2.CfnWebACL_AWSManagedRulesBotControlRuleSetProperty{InspectionLevel: jsii.String("COMMON")},
			}}
		}
		if slices.Contains(allowListSkips, g) && notAllowListed != nil {
			stmt.ScopeDownStatement = notAllowListed
		}
		add(&awswafv2.CfnWebACL_RuleProperty{
			Name:             jsii.String(g),
			OverrideAction:   &awswafv2.CfnWebACL_OverrideActionProperty{None: map[string]any{}},
			Statement:        &awswafv2.CfnWebACL_StatementProperty{ManagedRuleGroupStatement: stmt},
			VisibilityConfig: visibility(g),
		})
	}
	w.Acl = awswafv2.NewCfnWebACL(self, jsii.String("Resource"), &awswafv2.CfnWebACLProps{
		Name:             jsii.String(props.Name),
		Scope:            jsii.String("REGIONAL"),
		DefaultAction:    &awswafv2.CfnWebACL_DefaultActionProperty{Allow: &awswafv2.CfnWebACL_AllowActionProperty{}},
		VisibilityConfig: visibility("web-acl"),
		Rules:            &rules,
	})
	for i, lb := range props.LoadBalancers {
		awswafv2.NewCfnWebACLAssociation(self, jsii.String(fmt.Sprintf("Association%d", i)), &awswafv2.CfnWebACLAssociationProps{
			ResourceArn: lb.LoadBalancerArn(),
			WebAclArn:   w.Acl.AttrArn(),
		})
	}
	var redacted []any
	for _, h := range RedactedHeaders {
		redacted = append(redacted, &awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{SingleHeader: map[string]any{"Name": h}})
	}
	if !props.KeepQueryString {
		redacted = append(redacted, &awswafv2.CfnLoggingConfiguration_FieldToMatchProperty{QueryString: map[string]any{}})
	}
	awswafv2.NewCfnLoggingConfiguration(self, jsii.String("Logging"), &awswafv2.CfnLoggingConfigurationProps{
		ResourceArn:           w.Acl.AttrArn(),
		LogDestinationConfigs: &[]any{props.LogDestinationArn},
		RedactedFields:        &redacted,
	})
	return w
}
