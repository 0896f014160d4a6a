// Compares two CloudFormation templates with the CDK's own diff engine
// (@aws-cdk/cloudformation-diff, the engine behind `cdk diff`) and prints
// each resource change with the impact CloudFormation will have, as JSON.
//
//   node diff.js <old.template.json|-> <new.template.json|->
//
// A missing side ("-") is an empty template: a stack added or removed.
'use strict';
const fs = require('fs');
const { fullDiff } = require('@aws-cdk/cloudformation-diff');

function read(path) {
  return path === '-' ? {} : JSON.parse(fs.readFileSync(path, 'utf8'));
}

const [oldPath, newPath] = process.argv.slice(2);
const oldT = read(oldPath);
const newT = read(newPath);
const diff = fullDiff(oldT, newT);
const resources = [];
diff.resources.forEachDifference((logicalId, change) => {
  const props = [];
  if (change.isUpdate) {
    for (const [name, p] of Object.entries(change.propertyUpdates)) {
      props.push({ name, impact: p.changeImpact || 'WILL_UPDATE', old: p.oldValue, new: p.newValue });
    }
    for (const [name, p] of Object.entries(change.otherChanges)) {
      props.push({ name, impact: 'WILL_UPDATE', old: p.oldValue, new: p.newValue });
    }
  }
  const oldRes = (oldT.Resources || {})[logicalId] || {};
  const newRes = (newT.Resources || {})[logicalId] || {};
  resources.push({
    logicalId,
    type: change.newResourceType || change.oldResourceType,
    change: change.isAddition ? 'added' : change.isRemoval ? 'removed' : 'changed',
    impact: change.changeImpact,
    deletionPolicy: oldRes.DeletionPolicy || newRes.DeletionPolicy || '',
    properties: props,
  });
});
process.stdout.write(JSON.stringify({
  resources,
  permissionsBroadened: diff.permissionsBroadened,
  securityGroupsChanged: diff.securityGroupChanges.hasChanges,
}));
