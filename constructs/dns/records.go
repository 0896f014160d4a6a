// Package dns provisions the Route 53 records that spread traffic across
// clusters: the whole-cluster canary and migration.
package dns

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

var setIdentifier = regexp.MustCompile(`^[a-z][a-z0-9-]{0,127}$`)

// WeightedTarget is one cluster's load balancer in a weighted set.
type WeightedTarget struct {
	// SetIdentifier names the record: the cluster's name.
	SetIdentifier string
	// Weight is 0..255; 0 takes the cluster out of service.
	Weight int
	// LoadBalancer is the cluster's ALB for this endpoint.
	LoadBalancer elbv2.IApplicationLoadBalancer
}

// WeightedAliasRecordsProps configures WeightedAliasRecords.
type WeightedAliasRecordsProps struct {
	// ZoneID and ZoneName are the hosted zone (public or private). Required.
	ZoneID, ZoneName string
	// RecordName is the fully qualified name, inside the zone. Required.
	RecordName string
	// Targets are the clusters, one record each. Required.
	Targets []WeightedTarget
	// HealthCheckPath adds an HTTPS Route 53 health check per target,
	// attached to its record (public endpoints only: Route 53 health
	// checkers cannot reach private ALBs). @default - no health checks;
	// alias target health is still evaluated.
	HealthCheckPath string
}

// Validate reports every problem with the props.
func (p WeightedAliasRecordsProps) Validate() error {
	var errs []error
	if p.ZoneID == "" || p.ZoneName == "" {
		errs = append(errs, errors.New("zoneId and zoneName: required"))
	}
	if !strings.HasSuffix(strings.TrimSuffix(p.RecordName, "."), strings.TrimSuffix(p.ZoneName, ".")) {
		errs = append(errs, fmt.Errorf("recordName: %q is not inside the zone %q", p.RecordName, p.ZoneName))
	}
	if len(p.Targets) == 0 {
		errs = append(errs, errors.New("targets: at least one"))
	}
	total := 0
	seen := map[string]bool{}
	for i, t := range p.Targets {
		if !setIdentifier.MatchString(t.SetIdentifier) || seen[t.SetIdentifier] {
			errs = append(errs, fmt.Errorf("targets[%d].setIdentifier: must be a unique lowercase name, got %q", i, t.SetIdentifier))
		}
		seen[t.SetIdentifier] = true
		if t.Weight < 0 || t.Weight > 255 {
			errs = append(errs, fmt.Errorf("targets[%d].weight: must be between 0 and 255 inclusive, got %d", i, t.Weight))
		}
		if t.LoadBalancer == nil {
			errs = append(errs, fmt.Errorf("targets[%d].loadBalancer: required", i))
		}
		total += t.Weight
	}
	if len(p.Targets) > 0 && total == 0 {
		errs = append(errs, errors.New("targets: all weights are 0, which takes the endpoint out of service; give one cluster a weight"))
	}
	return errors.Join(errs...)
}

// WeightedAliasRecords is a weighted set of alias A records for one name,
// one per cluster, each pointing at that cluster's ALB with target health
// evaluated (and, for public endpoints, a Route 53 health check), so that
// shifting weights in config moves traffic between clusters.
type WeightedAliasRecords struct {
	constructs.Construct
	// Records by set identifier.
	Records map[string]awsroute53.CfnRecordSet
}

// NewWeightedAliasRecords provisions the records; it panics on invalid props.
func NewWeightedAliasRecords(scope constructs.Construct, id string, props WeightedAliasRecordsProps) *WeightedAliasRecords {
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	r := &WeightedAliasRecords{Construct: self, Records: map[string]awsroute53.CfnRecordSet{}}
	for _, t := range props.Targets {
		// Ids carry the set identifier: re-ordering clusters in config must
		// not touch a record.
		var healthCheckID *string
		if props.HealthCheckPath != "" {
			hc := awsroute53.NewCfnHealthCheck(self, jsii.String("HealthCheck-"+t.SetIdentifier), &awsroute53.CfnHealthCheckProps{
				HealthCheckConfig: &awsroute53.CfnHealthCheck_HealthCheckConfigProperty{
					Type:                     jsii.String("HTTPS"),
					FullyQualifiedDomainName: t.LoadBalancer.LoadBalancerDnsName(),
					Port:                     jsii.Number(443),
					ResourcePath:             jsii.String(props.HealthCheckPath),
					RequestInterval:          jsii.Number(30),
					FailureThreshold:         jsii.Number(3),
					EnableSni:                jsii.Bool(true),
				},
				HealthCheckTags: &[]*awsroute53.CfnHealthCheck_HealthCheckTagProperty{
					{Key: jsii.String("Name"), Value: jsii.String(fmt.Sprintf("%s (%s)", props.RecordName, t.SetIdentifier))},
				},
			})
			healthCheckID = hc.AttrHealthCheckId()
		}
		r.Records[t.SetIdentifier] = awsroute53.NewCfnRecordSet(self, jsii.String("Record-"+t.SetIdentifier), &awsroute53.CfnRecordSetProps{
			HostedZoneId:  jsii.String(props.ZoneID),
			Name:          jsii.String(props.RecordName),
			Type:          jsii.String("A"),
			SetIdentifier: jsii.String(t.SetIdentifier),
			Weight:        jsii.Number(t.Weight),
			HealthCheckId: healthCheckID,
			AliasTarget: &awsroute53.CfnRecordSet_AliasTargetProperty{
				DnsName:              t.LoadBalancer.LoadBalancerDnsName(),
				HostedZoneId:         t.LoadBalancer.LoadBalancerCanonicalHostedZoneId(),
				EvaluateTargetHealth: jsii.Bool(true),
			},
		})
	}
	return r
}
