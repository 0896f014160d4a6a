// Compares two CloudFormation templates with the CDK's own diff engine
// (@aws-cdk/cloudformation-diff, the engine behind `cdk diff`) and prints
// each resource change with the impact CloudFormation will have, as JSON.
//
//   node diff.js pairs.json
//
// pairs.json is [{"name", "old", "new"}], the paths of each stack's two
// templates; a missing side ("-") is an empty template: a stack added or
// removed. The output maps each name to its changes.
'use strict';
const fs = require('fs');
const { fullDiff } = require('@aws-cdk/cloudformation-diff');

function read(path) {
  return path === '-' ? {} : JSON.parse(fs.readFileSync(path, 'utf8'));
}

// diffPair is one stack's changes.
function diffPair(oldPath, newPath) {
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
  return {
    resources,
    permissionsBroadened: diff.permissionsBroadened,
    securityGroupsChanged: diff.securityGroupChanges.hasChanges,
  };
}

// One process for every stack of a review: the diff engine loads once.
const pairs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const { name, old, new: newPath } of pairs) {
  out[name] = diffPair(old, newPath);
}
process.stdout.write(JSON.stringify(out));
