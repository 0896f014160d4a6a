package monitoring

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssynthetics"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/compliance"
	"github.com/ecplatform/eks-platform/spec"
)

var canaryName = regexp.MustCompile(`^[0-9a-z_-]{1,255}$`)

// CanaryRuntime is the Synthetics runtime every canary uses: the newest
// Node.js runtime in aws-cdk-lib 2.275 (syn-nodejs-puppeteer-13.0).
var CanaryRuntime = awssynthetics.Runtime_SYNTHETICS_NODEJS_PUPPETEER_13_0

// CanaryProps configures a Canary.
type CanaryProps struct {
	// Name is the canary's name (Synthetics allows 255 of [0-9a-z_-]). Required.
	Name string
	// URL is the HTTPS endpoint checked. Required.
	URL string
	// EveryMinutes is the schedule. @default 5
	EveryMinutes int
	// Vpc places the canary inside the VPC (private subnets, its own
	// security group allowing HTTPS out only), for internal endpoints.
	// @default - runs outside the VPC, like a customer on the internet
	Vpc awsec2.IVpc
	// ArtifactsBucket keeps screenshots and logs of each run. Required.
	ArtifactsBucket awss3.IBucket
	// ArtifactsKey encrypts each artifact the canary writes (SSE-KMS),
	// whatever the bucket's default.
	// @default - the bucket's default encryption
	ArtifactsKey awskms.IKey
	// AlarmAction is notified when the canary fails or slows. Required.
	AlarmAction awscloudwatch.IAlarmAction
	// MinSuccessPercent alarms below this success rate. @default 90
	MinSuccessPercent int
	// MaxDurationMs alarms when a run is slower. @default 5000
	MaxDurationMs int
	// Runbook is where the alarm tells the on-call to look. Required.
	Runbook string
	// TrustedCaPEM are the PEM certificates of the private CA that issued
	// the endpoint's certificate; the canary then trusts them alone. The
	// certificate is verified either way.
	// @default - the public CAs of the Synthetics runtime
	TrustedCaPEM string
}

// Validate reports every problem with the props.
func (p CanaryProps) Validate() error {
	var errs []error
	if !canaryName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be lowercase letters, digits, _ or -, got %q", p.Name))
	}
	if u, err := url.Parse(p.URL); err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, fmt.Errorf("url: must be an https URL, got %q", p.URL))
	}
	if p.EveryMinutes < 1 || p.EveryMinutes > 60 {
		errs = append(errs, fmt.Errorf("everyMinutes: must be 1-60, got %d", p.EveryMinutes))
	}
	if p.ArtifactsBucket == nil || p.AlarmAction == nil || p.Runbook == "" {
		errs = append(errs, errors.New("artifactsBucket, alarmAction and runbook: required"))
	}
	if p.MinSuccessPercent < 1 || p.MinSuccessPercent > 100 {
		errs = append(errs, fmt.Errorf("minSuccessPercent: must be 1-100, got %d", p.MinSuccessPercent))
	}
	if p.TrustedCaPEM != "" && !strings.Contains(p.TrustedCaPEM, "-----BEGIN CERTIFICATE-----") {
		errs = append(errs, errors.New("trustedCaPem: must be PEM certificates"))
	}
	return errors.Join(errs...)
}

// canaryScript GETs the URL and fails on anything but a 2xx, or on a
// certificate that does not verify: against the given CA certificates (an
// internal name's private CA), else the runtime's public CAs.
const canaryScript = `const synthetics = require('Synthetics');
const log = require('SyntheticsLogger');
const ca = %s;
exports.handler = async () => {
  const url = new URL(%s);
  await synthetics.executeHttpStep('GET ' + url.pathname, {
    hostname: url.hostname, method: 'GET', path: url.pathname + url.search, port: url.port || 443, protocol: 'https:',
    rejectUnauthorized: true, ...(ca ? { ca } : {}),
  }, async (res) => {
    if (res.statusCode < 200 || res.statusCode > 299) {
      throw new Error('status ' + res.statusCode + ' from ' + url);
    }
    log.info('status ' + res.statusCode);
  });
};
`

// Canary is a CloudWatch Synthetics canary that checks one HTTPS endpoint on
// a schedule, from the internet or from inside the VPC, with encrypted
// artifacts, and alarms on its success rate and duration.
type Canary struct {
	constructs.Construct
	Canary                      awssynthetics.Canary
	SuccessAlarm, DurationAlarm awscloudwatch.Alarm
}

// NewCanary provisions the canary; it panics on invalid props.
func NewCanary(scope constructs.Construct, id string, props CanaryProps) *Canary {
	if props.EveryMinutes == 0 {
		props.EveryMinutes = spec.DefaultCanaryEveryMinutes
	}
	if props.MinSuccessPercent == 0 {
		props.MinSuccessPercent = 90
	}
	if props.MaxDurationMs == 0 {
		props.MaxDurationMs = 5000
	}
	if err := props.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	c := &Canary{Construct: self}
	inVpc := props.Vpc != nil
	canaryProps := &awssynthetics.CanaryProps{
		CanaryName: jsii.String(props.Name),
		Runtime:    CanaryRuntime(),
		Test: awssynthetics.Test_Custom(&awssynthetics.CustomTestOptions{
			Handler: jsii.String("index.handler"),
			Code:    awssynthetics.Code_FromInline(jsii.String(fmt.Sprintf(canaryScript, jsLiteral(props.TrustedCaPEM), jsLiteral(props.URL)))),
		}),
		Schedule:                awssynthetics.Schedule_Rate(awscdk.Duration_Minutes(jsii.Number(props.EveryMinutes))),
		ArtifactsBucketLocation: &awssynthetics.ArtifactsBucketLocation{Bucket: props.ArtifactsBucket, Prefix: jsii.String(props.Name)},
		StartAfterCreation:      jsii.Bool(true),
		Timeout:                 awscdk.Duration_Seconds(jsii.Number(60)),
	}
	if props.ArtifactsKey != nil {
		canaryProps.ArtifactS3EncryptionMode = awssynthetics.ArtifactsEncryptionMode_KMS
		canaryProps.ArtifactS3KmsKey = props.ArtifactsKey
	}
	if inVpc {
		sg := awsec2.NewSecurityGroup(self, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
			Vpc:              props.Vpc,
			Description:      jsii.String("Synthetics canary " + props.Name + ": HTTPS out only"),
			AllowAllOutbound: jsii.Bool(false),
		})
		sg.AddEgressRule(awsec2.Peer_Ipv4(props.Vpc.VpcCidrBlock()), awsec2.Port_Tcp(jsii.Number(443)), jsii.String("HTTPS to the internal endpoint and VPC endpoints"), nil)
		canaryProps.Vpc = props.Vpc
		canaryProps.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
		canaryProps.SecurityGroups = &[]awsec2.ISecurityGroup{sg}
	}
	c.Canary = awssynthetics.NewCanary(self, jsii.String("Resource"), canaryProps)
	c.SuccessAlarm = awscloudwatch.NewAlarm(self, jsii.String("SuccessAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String(fmt.Sprintf("%s fails: fewer than %d%% of canary runs against %s succeed. Customers likely see errors. Look at the canary's screenshots and logs in CloudWatch Synthetics, then %s.", props.Name, props.MinSuccessPercent, props.URL, props.Runbook)),
		Metric:             c.Canary.MetricSuccessPercent(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(props.EveryMinutes))}),
		Threshold:          jsii.Number(props.MinSuccessPercent),
		ComparisonOperator: awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(2),
		// No data means the canary itself stopped: that is a failure too.
		TreatMissingData: awscloudwatch.TreatMissingData_BREACHING,
	})
	c.DurationAlarm = awscloudwatch.NewAlarm(self, jsii.String("DurationAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String(fmt.Sprintf("%s is slow: canary runs against %s take over %d ms. Look at ALB TargetResponseTime and the API gateway's latency, then %s.", props.Name, props.URL, props.MaxDurationMs, props.Runbook)),
		Metric:             c.Canary.MetricDuration(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(props.EveryMinutes))}),
		Threshold:          jsii.Number(props.MaxDurationMs),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		EvaluationPeriods:  jsii.Number(3),
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	for _, a := range []awscloudwatch.Alarm{c.SuccessAlarm, c.DurationAlarm} {
		a.AddAlarmAction(props.AlarmAction)
		a.AddOkAction(props.AlarmAction)
	}
	compliance.Suppress(self,
		compliance.Suppression{Rule: "AwsSolutions-IAM5", Reason: "The Synthetics-generated role writes artifacts under its own prefix and its own log groups, whose names Synthetics creates; its artifacts key grant is CDK's encrypt grant on that one key (GenerateDataKey* and ReEncrypt* are KMS action families, not resources).",
			AppliesTo: []string{"regex:/^Resource::.*$/", "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"}},
		compliance.Suppression{Rule: "PCI.DSS.321-IAMNoInlinePolicy", Reason: "The canary role's inline policy is the least-privilege set CDK generates for Synthetics."},
		compliance.Suppression{Rule: "AwsSolutions-IAM4", Reason: "A canary in the VPC needs the ENI permissions AWS documents in AWSLambdaVPCAccessExecutionRole.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}},
		compliance.Suppression{Rule: "PCI.DSS.321-LambdaInsideVPC", Reason: "The external canary must run outside the VPC to test the API as the internet sees it."},
	)
	return c
}

// ArtifactsBucketProps configures NewArtifactsBucket.
type ArtifactsBucketProps struct {
	// Key encrypts the artifacts. Required.
	Key awskms.IKey
	// AccessLogBucket receives the bucket's server access logs. Required.
	AccessLogBucket awss3.IBucket
	// AccessLogBucketName is AccessLogBucket's physical name: written into
	// the logging configuration as text, so that the template names the
	// bucket (an import would hide it from CloudFormation hooks).
	// @default - the bucket is referenced across stacks
	AccessLogBucketName string
	// RemovalPolicy applies to the bucket. @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// NewArtifactsBucket is where canaries keep their screenshots and HAR
// files: encrypted, private, access-logged, expiring after 30 days.
func NewArtifactsBucket(scope constructs.Construct, id string, p ArtifactsBucketProps) awss3.Bucket {
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if p.Key == nil || p.AccessLogBucket == nil {
		panic(fmt.Errorf("%s/%s: key and accessLogBucket: required", *scope.Node().Path(), id))
	}
	b := awss3.NewBucket(scope, jsii.String(id), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_KMS,
		EncryptionKey:          p.Key,
		BucketKeyEnabled:       jsii.Bool(true),
		EnforceSSL:             jsii.Bool(true),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: p.AccessLogBucket,
		ServerAccessLogsPrefix: jsii.String("s3-access/canary-artifacts/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Expiration:                  awscdk.Duration_Days(jsii.Number(30)),
			NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(1)),
		}},
		RemovalPolicy: p.RemovalPolicy,
	})
	if p.AccessLogBucketName != "" {
		b.Node().DefaultChild().(awss3.CfnBucket).AddPropertyOverride(jsii.String("LoggingConfiguration.DestinationBucketName"), p.AccessLogBucketName)
	}
	compliance.Suppress(b, compliance.Suppression{Rule: "PCI.DSS.321-S3BucketReplicationEnabled", Reason: "Canary artifacts are diagnostic and expire after 30 days; they stay in the environment's region."})
	return b
}

// jsLiteral is s as a JavaScript string literal; "" is null.
func jsLiteral(s string) string {
	if s == "" {
		return "null"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
