// Builds validation engines the way aws-cdk-lib's CloudFormationValidatePlugin
// does (its default Rego rules, read beside it, then any extra ones) and
// validates templates with the options the plugin passes.
'use strict';

const fs = require('fs');
const path = require('path');

const validate = require('@aws/cloudformation-validate');

const STANDIN = Symbol.for('eks-platform.jsii-node.prewarmed');

function defaultRegoRules() {
  const dir = path.join(__dirname, 'rules');
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.rego'))
    .sort()
    .map((f) => ({ name: f, content: fs.readFileSync(path.join(dir, f), 'utf-8') }));
}

// spec: {templates: [path], contents: [string], extraRego: [{name, content}],
// engines: n, free: bool, other: a module that builds an engine from its
// own copy of the library}
module.exports = function run(spec) {
  const out = { engines: [] };
  try {
    if (spec.other) {
      out.other = require(spec.other)();
    }
    for (let i = 0; i < (spec.engines || 1); i++) {
      const regoRules = [...defaultRegoRules(), ...(spec.extraRego || [])];
      const config = regoRules.length > 0 ? { regoRules } : {};
      const engine = new validate.CompositeEngine(config);
      const result = { standin: engine[STANDIN] === true, reports: [] };
      out.engines.push(result);
      for (const file of spec.templates || []) {
        result.reports.push(engine.validateTemplate(new validate.TemplateFile(file), {
          detailLevel: 'STANDARD',
          pseudoParameterOverrides: { accountId: '111111111111', region: 'ap-northeast-1' },
          severityLevel: 'WARN',
        }));
      }
      for (const content of spec.contents || []) {
        result.reports.push(engine.validateStandard(new validate.TemplateContent(content, 'inline.json'), {}));
      }
      result.rules = engine.listRules();
      if (spec.free) {
        engine.free();
      }
    }
  } catch (err) {
    out.error = err.message;
    out.errorName = err.name;
    out.errorCode = err.code;
  }
  return out;
};
