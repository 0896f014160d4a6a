package encryption

import (
	"errors"
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// KeyProps configures a customer managed key made by NewKey.
type KeyProps struct {
	// Description says what the key encrypts. Required.
	Description string
	// RemovalPolicy applies to the key. @default awscdk.RemovalPolicy_RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p KeyProps) Validate() error {
	if p.Description == "" {
		return errors.New("description: required, it is what an operator reads in the KMS console")
	}
	return nil
}

// NewKey is every customer managed KMS key of the platform: rotated
// yearly, and no grant can be made on it except for an AWS resource or by
// an AWS service (a grant is a second, unaudited way to use a key). This
// is the statement AWS Control Tower's proactive control CT.KMS.PR.3
// requires, written exactly as it checks it. It panics on invalid props.
func NewKey(scope constructs.Construct, id string, p KeyProps) awskms.Key {
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	key := awskms.NewKey(scope, jsii.String(id), &awskms.KeyProps{
		Description:       jsii.String(p.Description),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     p.RemovalPolicy,
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("GrantsOnlyForAwsServices"),
		Effect:     awsiam.Effect_DENY,
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("kms:CreateGrant"),
		Resources:  jsii.Strings("*"),
		// Strings, not booleans: the control compares them as text.
		Conditions: &map[string]any{"BoolIfExists": map[string]any{
			"kms:GrantIsForAWSResource": "false",
			"aws:PrincipalIsAWSService": "false",
		}},
	}), nil)
	return key
}
