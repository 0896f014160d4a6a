package service

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/spec"
)

var tableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

var attributeTypes = map[string]awsdynamodb.AttributeType{
	"S": awsdynamodb.AttributeType_STRING,
	"N": awsdynamodb.AttributeType_NUMBER,
	"B": awsdynamodb.AttributeType_BINARY,
}

// ServiceTableProps configures a ServiceTable.
type ServiceTableProps struct {
	// Name is the table's name. Required.
	Name string
	// PartitionKey and SortKey are attribute:type (S, N or B); SortKey is
	// optional. PartitionKey is required.
	PartitionKey, SortKey string
	// Key encrypts the table: one the env's services share (access is then
	// limited to this table by encryption context).
	// @default - a key of the table's own
	Key awskms.IKey
	// RemovalPolicy applies to the table, which has deletion protection
	// (DeleteTable refused, whoever asks) unless it is DESTROY.
	// @default RETAIN
	RemovalPolicy awscdk.RemovalPolicy
}

// Validate reports every problem with the props.
func (p ServiceTableProps) Validate() error {
	var errs []error
	if !tableName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be 3-255 letters, digits, _ . or -, got %q", p.Name))
	}
	if _, _, ok := spec.ParseKeyAttribute(p.PartitionKey); !ok {
		errs = append(errs, fmt.Errorf("partitionKey: must be attribute:type with the type S, N or B, got %q", p.PartitionKey))
	}
	if _, _, ok := spec.ParseKeyAttribute(p.SortKey); p.SortKey != "" && !ok {
		errs = append(errs, fmt.Errorf("sortKey: must be attribute:type with the type S, N or B, got %q", p.SortKey))
	}
	return errors.Join(errs...)
}

// ServiceTable is a service's DynamoDB table: on demand (no capacity to
// plan), point-in-time recovery for 35 days, encrypted with a customer
// key.
type ServiceTable struct {
	constructs.Construct
	Table awsdynamodb.Table
	Key   awskms.IKey
}

// NewServiceTable provisions the table; it panics on invalid props.
func NewServiceTable(scope constructs.Construct, id string, p ServiceTableProps) *ServiceTable {
	if p.RemovalPolicy == "" {
		p.RemovalPolicy = awscdk.RemovalPolicy_RETAIN
	}
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	if p.Key == nil {
		p.Key = encryption.NewKey(self, "Key", encryption.KeyProps{
			Description:   "Encrypts DynamoDB table " + p.Name + " and its backups",
			RemovalPolicy: p.RemovalPolicy,
		})
	}
	attribute := func(key string) *awsdynamodb.Attribute {
		name, typ, _ := spec.ParseKeyAttribute(key)
		return &awsdynamodb.Attribute{Name: jsii.String(name), Type: attributeTypes[typ]}
	}
	props := &awsdynamodb.TableProps{
		TableName:    jsii.String(p.Name),
		PartitionKey: attribute(p.PartitionKey),
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		Encryption:         awsdynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey:      p.Key,
		DeletionProtection: jsii.Bool(p.RemovalPolicy != awscdk.RemovalPolicy_DESTROY),
		RemovalPolicy:      p.RemovalPolicy,
	}
	if p.SortKey != "" {
		props.SortKey = attribute(p.SortKey)
	}
	t := awsdynamodb.NewTable(self, jsii.String("Resource"), props)
	return &ServiceTable{Construct: self, Table: t, Key: p.Key}
}

// dataActions are what a service does with its own items and indexes:
// read and write, never change or delete the table.
var dataActions = []string{
	"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
	"dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
	"dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
}

// GrantReadWrite lets policy's holder read and write the table's items, and use the key through DynamoDB for this table only: with a
// key the env's services share, the encryption context DynamoDB sends
// names the table, so no other table's data can be decrypted.
func (t *ServiceTable) GrantReadWrite(policy awsiam.ManagedPolicy) {
	stack := awscdk.Stack_Of(t.Construct)
	policy.AddStatements(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("OwnTable"),
		Actions: jsii.Strings(dataActions...),
		// The table has no index yet; one added later is granted here.
		Resources: &[]*string{t.Table.TableArn()},
	}))
	policy.AddStatements(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("OwnTableKey"),
		Actions:   jsii.Strings("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"),
		Resources: &[]*string{t.Key.KeyArn()},
		Conditions: &map[string]any{"StringEquals": map[string]any{
			"kms:ViaService": fmt.Sprintf("dynamodb.%s.amazonaws.com", *stack.Region()),
			"kms:EncryptionContext:aws:dynamodb:tableName": t.Table.TableName(),
		}},
	}))
}
