package logging

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/constructtest"
	"github.com/ecplatform/eks-platform/spec"
)

func TestServiceQueriesPropsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props ServiceQueriesProps
		want  string
	}{
		{"no database", ServiceQueriesProps{WorkGroup: "prd-logs", Service: "members"}, `database: must be lowercase letters, digits and _, got ""`},
		{"no workgroup", ServiceQueriesProps{Database: "prd_logs", Service: "members"}, `workGroup: must be 1-128 letters, digits, . _ or -, got ""`},
		{"no service", ServiceQueriesProps{Database: "prd_logs", WorkGroup: "prd-logs"}, `service: must be a namespace name`},
		// A name that would break out of the SQL string literal.
		{"service with a quote", ServiceQueriesProps{Database: "prd_logs", WorkGroup: "prd-logs", Service: "a' OR '1'='1"}, `service: must be a namespace name (lowercase letters, digits and -, at most 63), got "a' OR '1'='1"`},
		{"lines without metadata are not a service", ServiceQueriesProps{Database: "prd_logs", WorkGroup: "prd-logs", Service: OtherService}, `service: must be a namespace name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.props.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if err := (ServiceQueriesProps{Database: "prd_logs", WorkGroup: "prd-logs", Service: "api-gateway"}).Validate(); err != nil {
		t.Errorf("valid props: %v", err)
	}
}

// TestServiceQueries: each query reads one service's partition of
// app_logs, which Athena requires of an injected partition key, and is
// saved in the catalog's workgroup under the service's name.
func TestServiceQueries(t *testing.T) {
	stack := constructtest.NewStack(t)
	q := NewServiceQueries(stack, "MembersQueries", ServiceQueriesProps{Database: "prd_logs", WorkGroup: "prd-logs", Service: "members"})
	tmpl := constructtest.Template(t, stack)
	if len(q.Queries) != 2 {
		t.Fatalf("%d queries, want 2", len(q.Queries))
	}
	tmpl.ResourceCountIs(jsii.String("AWS::Athena::NamedQuery"), jsii.Number(2))
	for _, name := range []string{"members: slowest endpoints, today", "members: errors, last 24 hours"} {
		tmpl.HasResourceProperties(jsii.String("AWS::Athena::NamedQuery"), map[string]any{
			"Name": name, "Database": "prd_logs", "WorkGroup": "prd-logs",
			"QueryString": assertions.Match_StringLikeRegexp(jsii.String(`FROM "prd_logs"\."app_logs"\nWHERE service = 'members'\n  AND dt `)),
		})
	}
	for id, nq := range q.Queries {
		sql := *nq.QueryString()
		if strings.Contains(sql, "%!") || strings.Contains(sql, "%%") {
			t.Errorf("%s: badly formatted SQL %q", id, sql)
		}
	}
	errorsSQL := *q.Queries["Errors"].QueryString()
	for _, s := range append(spec.LevelSpellings("ERROR"), spec.LevelSpellings("FATAL")...) {
		if !strings.Contains(errorsSQL, "'"+s+"'") {
			t.Errorf("errors query does not read level %s: %s", s, errorsSQL)
		}
	}
	t.Run("compliance", func(t *testing.T) { constructtest.RequireNoNagErrors(t, stack) })
}
