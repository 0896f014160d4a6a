package cluster

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseksv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

// The charts' repository, and the releases, all in spec.FalcoNamespace.
const (
	FalcoChartRepository = "https://falcosecurity.github.io/charts"
	falcoRelease         = "falco"
	// falcosidekickRelease is also the name of Falcosidekick's Service
	// and ServiceAccount: the chart names them after the release when the
	// release's name contains the chart's.
	falcosidekickRelease = "falcosidekick"
	// falcosidekickPort is the port Falcosidekick's Service listens on.
	falcosidekickPort = 2801
	// falcoImageRegistry serves both images (the Falco project copies
	// every release there); pulled through the VPC's NAT gateways.
	falcoImageRegistry = "public.ecr.aws"
)

// FalcoProps configures a cluster's Falco.
type FalcoProps struct {
	// AlertingLogGroup is the name of the CloudWatch Logs group events at
	// or above MinPriority go to (the logging stack's alerting group).
	// Required.
	AlertingLogGroup string
	// MinPriority is the least severe priority sent to AlertingLogGroup,
	// one of spec.FalcoPriorities. Every event, whatever its priority,
	// is archived. Required.
	MinPriority string
}

// Validate reports every problem with the props.
func (p FalcoProps) Validate() error {
	var errs []error
	if !spec.IsLogGroupName(p.AlertingLogGroup) {
		errs = append(errs, fmt.Errorf("alertingLogGroup: must be a log group name, got %q", p.AlertingLogGroup))
	}
	if !slices.Contains(spec.FalcoPriorities, p.MinPriority) {
		errs = append(errs, fmt.Errorf("minPriority: must be one of %v, got %q", spec.FalcoPriorities, p.MinPriority))
	}
	return errors.Join(errs...)
}

// Falco is runtime security on every node of a cluster: Falco watches
// each node's system calls through its modern eBPF probe (no kernel module,
// no driver download: the probe is built into the Falco binary, and AL2023
// and Bottlerocket kernels have the BTF it needs) and raises an event when
// a rule matches, such as a shell spawned in a container.
//
// Each event goes two ways:
//
//   - as one JSON line on Falco's stdout, which the log shipper archives
//     with every container line, under the app log stream's
//     service=falco partition (the falco_events table): every event, at
//     every priority;
//   - to Falcosidekick over HTTP, which writes the events at or above
//     MinPriority to the stream <cluster>.falco of the alerting log group,
//     where a metric filter counts them for an alarm. Its IAM role,
//     assumable through EKS Pod Identity by Falcosidekick's service
//     account alone, may put events into that stream and do nothing else.
//
// Rules and plugins are the ones Falco's image carries (falco-rules and
// the container plugin, versioned with Falco): falcoctl, which would
// download and follow newer rule sets at run time, is off, so a rule
// change is a reviewed version change.
type Falco struct {
	constructs.Construct
	Namespace *Namespace
	// Falco and Falcosidekick are the Helm releases.
	Falco, Falcosidekick awseksv2.HelmChart
	// Role is Falcosidekick's, through Pod Identity.
	Role        awsiam.Role
	Association awseksv2.CfnPodIdentityAssociation
	// AlertStream is the alerting group's stream Falcosidekick writes.
	AlertStream awslogs.CfnLogStream
	// AlertStreamName is <cluster>.falco.
	AlertStreamName string
}

// AddFalco installs Falco and Falcosidekick on c; it panics on invalid
// props or on a cluster without a physical name (its alert stream is named
// after it).
func (c *Cluster) AddFalco(props FalcoProps) *Falco {
	err := props.Validate()
	if c.Name == "" {
		err = errors.Join(err, errors.New("the cluster needs a physical name: its Falco alert stream is named after it"))
	}
	if err != nil {
		panic(fmt.Errorf("%s/Falco: %w", *c.Node().Path(), err))
	}
	self := constructs.NewConstruct(c.Construct, jsii.String("Falco"))
	stack := awscdk.Stack_Of(self)
	f := &Falco{Construct: self, AlertStreamName: c.Name + "." + falcoRelease}
	// Falco needs privileged pods (host PID, the eBPF probe, the
	// container runtime's socket); nothing else runs in its namespace.
	f.Namespace = NewNamespace(self, "Namespace", NamespaceProps{
		Cluster: c.Cluster, Name: spec.FalcoNamespace,
		Enforce: PodSecurityPrivileged, Warn: PodSecurityPrivileged,
	})
	f.AlertStream = awslogs.NewCfnLogStream(self, jsii.String("AlertStream"), &awslogs.CfnLogStreamProps{
		LogGroupName:  jsii.String(props.AlertingLogGroup),
		LogStreamName: jsii.String(f.AlertStreamName),
	})
	f.AlertStream.ApplyRemovalPolicy(c.removalPolicy, nil)
	identity := PodIdentity{Cluster: c.Cluster, Namespace: spec.FalcoNamespace, ServiceAccount: falcosidekickRelease}
	f.Role = awsiam.NewRole(self, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   identity.Principal(),
		Description: jsii.String(fmt.Sprintf("Falcosidekick of EKS cluster %s, through EKS Pod Identity: puts Falco events into %s", c.Name, props.AlertingLogGroup)),
	})
	// The stream exists (CloudFormation creates it): no CreateLogStream,
	// no other stream, no other group.
	f.Role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("PutFalcoEvents"),
		Actions: jsii.Strings("logs:PutLogEvents"),
		Resources: jsii.Strings(*stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("logs"), Resource: jsii.String("log-group"),
			ResourceName: jsii.String(props.AlertingLogGroup + ":log-stream:" + f.AlertStreamName),
			ArnFormat:    awscdk.ArnFormat_COLON_RESOURCE_NAME,
		})),
	}))
	f.Association = identity.Associate(self, "Association", f.Role, c.Addons[spec.AddonPodIdentityAgent])
	// The stack's region, a token where the stack has none: the chart's
	// values are rendered into the template, where CloudFormation fills it.
	region := stack.Region()
	f.Falcosidekick = awseksv2.NewHelmChart(self, jsii.String("Falcosidekick"), &awseksv2.HelmChartProps{
		Cluster:         c.Cluster,
		Chart:           jsii.String("falcosidekick"),
		Repository:      jsii.String(FalcoChartRepository),
		Release:         jsii.String(falcosidekickRelease),
		Namespace:       jsii.String(spec.FalcoNamespace),
		Version:         jsii.String(FalcosidekickChartVersion),
		CreateNamespace: jsii.Bool(false),
		Wait:            jsii.Bool(true),
		Timeout:         awscdk.Duration_Minutes(jsii.Number(15)),
		Values:          falcosidekickValues(*region, props, f.AlertStreamName),
	})
	// Its pods start with their role, its policy and the association.
	f.Falcosidekick.Node().AddDependency(f.Namespace.Manifest, f.Association, f.Role, f.AlertStream)
	f.Falco = awseksv2.NewHelmChart(self, jsii.String("Chart"), &awseksv2.HelmChartProps{
		Cluster:         c.Cluster,
		Chart:           jsii.String("falco"),
		Repository:      jsii.String(FalcoChartRepository),
		Release:         jsii.String(falcoRelease),
		Namespace:       jsii.String(spec.FalcoNamespace),
		Version:         jsii.String(FalcoChartVersion),
		CreateNamespace: jsii.Bool(false),
		Wait:            jsii.Bool(true),
		Timeout:         awscdk.Duration_Minutes(jsii.Number(15)),
		Values:          falcoValues(),
	})
	// Falco's first events find Falcosidekick listening.
	f.Falco.Node().AddDependency(f.Namespace.Manifest, f.Falcosidekick)
	compliance.Suppress(f.Role,
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "The inline policy grants this role alone logs:PutLogEvents on the cluster's Falco stream of the alerting log group; a managed policy could be attached to roles that must not write there."},
	)
	return f
}

// FalcosidekickURL is where Falco posts its events: Falcosidekick's
// Service, in the cluster.
func FalcosidekickURL() string {
	return fmt.Sprintf("http://%s.%s.svc.cluster.local:%d/", falcosidekickRelease, spec.FalcoNamespace, falcosidekickPort)
}

// falcoValues are the Falco chart's values. Every key is one of chart
// 9.1.0's values.yaml (internal/k8scheck checks them).
func falcoValues() *map[string]any {
	return &map[string]any{
		"image": map[string]any{"registry": falcoImageRegistry, "repository": "falcosecurity/falco", "tag": FalcoVersion},
		// The modern eBPF probe, built into Falco: no driver loader init
		// container, no kernel headers, no download.
		"driver": map[string]any{"enabled": true, "kind": "modern_ebpf"},
		// Rules and the container plugin from Falco's image: falcoctl
		// would fetch newer ones from the internet at every start and
		// weekly after (artifact.follow), unreviewed.
		"falcoctl": map[string]any{"artifact": map[string]any{
			"install": map[string]any{"enabled": false},
			"follow":  map[string]any{"enabled": false},
		}},
		// Every node, whatever its taints (tainted pools, draining groups):
		// a node Falco does not run on is a node nobody watches.
		"tolerations": []any{map[string]any{"operator": "Exists"}},
		// Scheduled on a full node too, ahead of workloads, as the log
		// shipper is (Kubernetes takes the class outside kube-system since
		// 1.17).
		"podPriorityClassName": "system-node-critical",
		"falco": map[string]any{
			// Every rule loads and every event is written: the archive
			// holds all; Falcosidekick alerts on the severe ones.
			"priority": "debug",
			// One JSON object per event on stdout, with its output, its
			// fields and its tags: what the log shipper archives and the
			// falco_events table reads.
			"json_output":                         true,
			"json_include_output_property":        true,
			"json_include_output_fields_property": true,
			"json_include_tags_property":          true,
			"stdout_output":                       map[string]any{"enabled": true},
			// No syslog daemon listens in the pod.
			"syslog_output": map[string]any{"enabled": false},
			"log_syslog":    false,
			"http_output":   map[string]any{"enabled": true, "url": FalcosidekickURL()},
		},
	}
}

// falcosidekickValues are the Falcosidekick chart's values: events at or
// above the minimum priority to the alerting group's stream, through the
// Pod Identity credentials (useirsa: no keys in a secret).
func falcosidekickValues(region string, props FalcoProps, stream string) *map[string]any {
	return &map[string]any{
		"image": map[string]any{"registry": falcoImageRegistry, "repository": "falcosecurity/falcosidekick", "tag": FalcosidekickVersion},
		"config": map[string]any{
			"aws": map[string]any{
				"useirsa": true,
				"region":  region,
				"cloudwatchlogs": map[string]any{
					"loggroup":        props.AlertingLogGroup,
					"logstream":       stream,
					"minimumpriority": props.MinPriority,
				},
			},
		},
		"webui": map[string]any{"enabled": false},
	}
}
