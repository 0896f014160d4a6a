// node -r ../prewarm.js main.js ROOT SPEC: loads ROOT (an aws-cdk-lib
// tree), then has harness.js, copied into ROOT beside where aws-cdk-lib's
// validation plugin lives, build engines and validate as the plugin does.
// Prints {engines: [{standin, reports, rules}], error} as JSON.
'use strict';

const path = require('path');

const [root, spec] = process.argv.slice(2);
require(root);
const run = require(path.join(root, 'core', 'lib', 'validation', 'harness.js'));
process.stdout.write(JSON.stringify(run(JSON.parse(spec))));
