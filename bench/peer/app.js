// The benchmark's peer (make bench): prd's cluster as a typical EKS
// Blueprints app builds it, in plain JS, on the aws-cdk-lib, CDK CLI and
// Node the Go app uses, with its feature flags (cdk.json; a test in
// bin/bench keeps them equal). It is only ever synthesized; nothing deploys
// it.
//
// Modelled on envs/prd.yaml: one Kubernetes 1.34 cluster in a 3-AZ VPC
// with NAT per AZ, the same 3 managed node groups with the platform's node
// labels and taints, the 6 managed add-ons at the versions
// constructs/cluster/versions.go pins for 1.34, and the AWS Load Balancer
// Controller chart. Every version is explicit: Blueprints' "auto" would ask
// the EKS API. Blueprints' node group options have no Kubernetes version,
// so the draining 1.33 group runs the cluster's.
'use strict';

const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const eks = require('aws-cdk-lib/aws-eks');
const blueprints = require('@aws-quickstart/eks-blueprints');

const label = 'platform.ecplatform.io/';

// nodeGroup is one of prd's groups; its id is the platform's
// <pool>-<version> name.
function nodeGroup({ pool, version, draining, labels = {}, taints = [], ...props }) {
  const id = `${pool}-${version.replace('.', '-')}`;
  if (draining) {
    taints = [...taints, { key: `${label}draining`, value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }];
  }
  return {
    ...props,
    id,
    instanceTypes: props.instanceTypes.map((t) => new ec2.InstanceType(t)),
    labels: { ...labels, [`${label}pool`]: pool, [`${label}node-group`]: id, [`${label}kubernetes-version`]: version },
    taints,
  };
}

const nodeGroups = [
  nodeGroup({ pool: 'general', version: '1.33', draining: true, amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
    instanceTypes: ['m7i.2xlarge'], minSize: 3, desiredSize: 6, maxSize: 12 }),
  nodeGroup({ pool: 'general', version: '1.34', amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
    instanceTypes: ['m7i.2xlarge'], minSize: 3, desiredSize: 6, maxSize: 12 }),
  nodeGroup({ pool: 'batch', version: '1.34', amiType: eks.NodegroupAmiType.BOTTLEROCKET_ARM_64,
    instanceTypes: ['c7g.2xlarge', 'c6g.2xlarge'], nodeGroupCapacityType: eks.CapacityType.SPOT,
    minSize: 0, desiredSize: 0, maxSize: 20,
    labels: { workload: 'batch' },
    taints: [{ key: 'workload', value: 'batch', effect: eks.TaintEffect.NO_SCHEDULE }] }),
];

const app = new cdk.App();

blueprints.EksBlueprint.builder()
  .account('430987654321')
  .region('ap-northeast-1')
  .version(eks.KubernetesVersion.V1_34)
  .resourceProvider(blueprints.GlobalResources.Vpc, new blueprints.VpcProvider(undefined, { primaryCidr: '10.130.0.0/16' }))
  .clusterProvider(new blueprints.GenericClusterProvider({ version: eks.KubernetesVersion.V1_34, managedNodeGroups: nodeGroups }))
  .addOns(
    new blueprints.addons.VpcCniAddOn({ version: 'v1.20.4-eksbuild.1' }),
    new blueprints.addons.KubeProxyAddOn('v1.34.0-eksbuild.4'),
    new blueprints.addons.CoreDnsAddOn('v1.12.4-eksbuild.1'),
    new blueprints.addons.EksPodIdentityAgentAddOn('v1.3.9-eksbuild.3'),
    new blueprints.addons.EbsCsiDriverAddOn({ version: 'v1.50.1-eksbuild.1' }),
    new blueprints.addons.CloudWatchInsights({ version: 'v6.4.0-eksbuild.1' }),
    new blueprints.addons.AwsLoadBalancerControllerAddOn({ version: '1.17.1' }),
  )
  .build(app, 'peer-prd');
