// Package spec holds the facts the platform is built on, each in one place:
// the Kubernetes versions and add-ons it pins, the AMI types it runs, the
// limits and names of the AWS services it uses, and the patterns of the
// identifiers config carries. Config validation (envs) and the constructs
// both read them here, so what config accepts and what a construct builds
// cannot drift apart.
//
// spec imports no CDK package (aws-cdk-go, jsii-runtime-go, constructs-go),
// directly or not: those start a Node process, and checking a config must
// cost milliseconds (spec/nojsii_test.go and envs/nojsii_test.go keep it
// so). A fact the CDK models as an enum is a plain string here; the
// construct converts it when it builds, never at package init.
package spec
