package service

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// ECR's repository name rule (CreateRepository API reference).
var repositoryName = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)

// ServiceRepositoryProps configures a ServiceRepository.
type ServiceRepositoryProps struct {
	// Name is the repository's name, e.g. services/members. Required.
	Name string
	// Key encrypts the images. Required.
	Key awskms.IKey
	// KeepImages is how many tagged images are kept; older ones expire.
	// @default 200 (weeks of releases to roll back to)
	KeepImages int
	// UntaggedDays expires untagged images (failed or superseded pushes)
	// after this many days. @default 7
	UntaggedDays int
	// RemovalPolicy applies to the repository. @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p ServiceRepositoryProps) Validate() error {
	var errs []error
	if len(p.Name) < 2 || len(p.Name) > 256 || !repositoryName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be an ECR repository name (lowercase, / separated), got %q", p.Name))
	}
	if p.Key == nil {
		errs = append(errs, errors.New("key: required"))
	}
	if p.KeepImages < 1 {
		errs = append(errs, fmt.Errorf("keepImages: must be >= 1, got %d", p.KeepImages))
	}
	if p.UntaggedDays < 1 {
		errs = append(errs, fmt.Errorf("untaggedDays: must be >= 1, got %d", p.UntaggedDays))
	}
	return errors.Join(errs...)
}

// ServiceRepository is a service's ECR repository, one per env and shared
// by its clusters: tags are immutable (a tag names one image forever, so
// what a review approved is what runs), images are scanned on push and
// encrypted with a customer key, and a lifecycle policy bounds storage.
type ServiceRepository struct {
	constructs.Construct
	Repository awsecr.Repository
}

// NewServiceRepository provisions the repository; it panics on invalid props.
func NewServiceRepository(scope constructs.Construct, id string, p ServiceRepositoryProps) *ServiceRepository {
	if p.KeepImages == 0 {
		p.KeepImages = 200
	}
	if p.UntaggedDays == 0 {
		p.UntaggedDays = 7
	}
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	r := awsecr.NewRepository(self, jsii.String("Resource"), &awsecr.RepositoryProps{
		RepositoryName:     jsii.String(p.Name),
		ImageTagMutability: awsecr.TagMutability_IMMUTABLE,
		ImageScanOnPush:    jsii.Bool(true),
		Encryption:         awsecr.RepositoryEncryption_KMS(),
		EncryptionKey:      p.Key,
		LifecycleRules: &[]*awsecr.LifecycleRule{
			{RulePriority: jsii.Number(1), Description: jsii.String(fmt.Sprintf("Untagged images expire after %d days", p.UntaggedDays)),
				TagStatus: awsecr.TagStatus_UNTAGGED, MaxImageAge: awscdk.Duration_Days(jsii.Number(float64(p.UntaggedDays)))},
			{RulePriority: jsii.Number(2), Description: jsii.String(fmt.Sprintf("Keep the %d newest images", p.KeepImages)),
				TagStatus: awsecr.TagStatus_ANY, MaxImageCount: jsii.Number(float64(p.KeepImages))},
		},
		RemovalPolicy: p.RemovalPolicy,
		// Images go with the repository only where the env drops its data.
		EmptyOnDelete: jsii.Bool(p.RemovalPolicy == awscdk.RemovalPolicy_DESTROY),
	})
	return &ServiceRepository{Construct: self, Repository: r}
}
