/**
 * Synthesizes one stack with an ExistingNetwork (props as JSON in argv[2]) and a security group placed in it
 * through `ref` (HTTPS egress by `allowAwsApiEgress`), plus a VpcPeering when the JSON has `peer`, into the
 * directory argv[3]. test_plan.py plans it with
 * OpenTofu against moto to run the network's plan-time checks for real.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Connections, MigrationStack, newSecurityGroup, Testing } from '../../modules/core';
import { ExistingNetwork, ExistingNetworkProps, PeerVpc, VpcPeering } from '../../modules/network';

const { peer, ...props } = JSON.parse(process.argv[2]) as ExistingNetworkProps & { peer?: PeerVpc };
const outDir = process.argv[3];
const stack = new MigrationStack(Testing.app(), 'plan', { project: 'netplan', environment: 'test', production: false, region: 'eu-west-2' });
const network = new ExistingNetwork(stack, 'network', props);
const sg = newSecurityGroup(stack, 'consumer', { name: 'netplan-consumer', description: 'A module placed in the network', vpcId: network.ref.vpcId });
const consumer = new Connections(stack, { securityGroupId: sg.id, description: 'consumer' });
consumer.allowAwsApiEgress(network.ref, 'consumer to AWS APIs');
if (peer) new VpcPeering(stack, 'peering', { network: network.ref, peer });
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'cdk.tf.json'), Testing.synth(stack, true));
