// Package jsiinode holds what bin/jsii-node loads into the Node process jsii
// starts for the app, and the tests that hold it to doing nothing but
// saving time (docs/synth-speed.md):
//
//   - direct.js: jsii's kernel speaks to the app straight over the app's
//     pipes, without the relay process jsii puts between them.
//   - prewarm.js: aws-cdk-lib's template validation engine is built on a
//     worker thread while the app constructs, and validates there; same
//     library, same configuration, same templates, same reports.
//
// Both fall back to jsii's and aws-cdk-lib's own path whenever what they
// rely on is not what they find. The package has no Go code: its tests run
// the JavaScript with the project's Node.
package jsiinode
