package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"

	"github.com/ecplatform/eks-platform/constructs/encryption"
	"github.com/ecplatform/eks-platform/envs"
)

// ServicesSharedStack is <env>-services-shared: what the env's services
// share, which is only a KMS key. It encrypts their image repositories
// and the DynamoDB tables without a key of their own; each service's
// grants on it are limited to its own table by encryption context.
type ServicesSharedStack struct {
	awscdk.Stack
	Key awskms.Key
}

// NewServicesSharedStack builds the stack.
func NewServicesSharedStack(stage awscdk.Stage, cfg *envs.Config) *ServicesSharedStack {
	s := &ServicesSharedStack{Stack: newStack(stage, cfg, "services-shared", "the KMS key the services' repositories and tables share")}
	s.Key = encryption.NewKey(s.Stack, "Key", encryption.KeyProps{
		Description:   "Encrypts the image repositories of the " + cfg.Name + " services, and their DynamoDB tables without a key of their own",
		RemovalPolicy: removalPolicy(cfg),
	})
	return s
}
