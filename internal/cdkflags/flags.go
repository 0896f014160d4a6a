// Package cdkflags holds the CDK feature flags of the app, in one place for
// the app, its tests and the construct tests.
package cdkflags

// FeatureFlags are the CDK feature flags the app is built with. They live in
// code, not only in cdk.json, so that the snapshot tests synthesize exactly
// what the CLI does.
var FeatureFlags = map[string]any{
	"@aws-cdk/aws-eks:defaultToAL2023": true,
	// Exports protect their producers: a stack cannot drop a value another
	// stack still imports.
	"@aws-cdk/core:defaultCrossStackReferences":            "strong",
	"@aws-cdk/aws-ec2:restrictDefaultSecurityGroup":        true,
	"@aws-cdk/aws-iam:minimizePolicies":                    true,
	"@aws-cdk/core:enablePartitionLiterals":                true,
	"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy":      true,
	"@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope": true,
	"@aws-cdk/aws-s3:createDefaultLoggingPolicy":           true,
}
