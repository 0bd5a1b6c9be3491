import { PrivateNetwork } from '../../../modules/network';
import { resources, synthJson, testStack } from '../../helpers/synth';

const NETWORK = { cidr: '10.20.0.0/16', availabilityZones: ['eu-west-2a', 'eu-west-2b'] };

function flowLogsRole() {
  const stack = testStack();
  new PrivateNetwork(stack, 'network', NETWORK);
  const json = synthJson(stack);
  const role = resources(json, 'aws_iam_role').find((r) => r.name === 'demo-staging-vpc-flow-logs')!;
  return { json, trust: JSON.parse(role.assume_role_policy).Statement };
}

describe('PrivateNetwork flow logs', () => {
  test('the flow-logs role trusts vpc-flow-logs.amazonaws.com only for this account and its flow logs (confused deputy)', () => {
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html recommends both conditions.
    const { trust } = flowLogsRole();
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ Service: 'vpc-flow-logs.amazonaws.com' });
    expect(trust[0].Condition.StringEquals['aws:SourceAccount']).toBe('${data.aws_caller_identity.caller-identity.account_id}');
    expect(trust[0].Condition.ArnLike['aws:SourceArn']).toBe(
      'arn:${data.aws_partition.partition.partition}:ec2:eu-west-2:${data.aws_caller_identity.caller-identity.account_id}:vpc-flow-log/*',
    );
  });

  test('the flow log writes rejected traffic to its log group with that role', () => {
    const { json } = flowLogsRole();
    const [flowLog] = resources(json, 'aws_flow_log');
    expect(flowLog).toMatchObject({ traffic_type: 'REJECT' });
    expect(flowLog.iam_role_arn).toMatch(/^\$\{aws_iam_role\.network_flow-logs-role_\w+\.arn\}$/);
  });

  test('flowLogs: false creates no role and no flow log', () => {
    const stack = testStack();
    new PrivateNetwork(stack, 'network', { ...NETWORK, flowLogs: false });
    const json = synthJson(stack);
    expect(resources(json, 'aws_flow_log')).toHaveLength(0);
    expect(resources(json, 'aws_iam_role').filter((r) => String(r.name).includes('flow-logs'))).toHaveLength(0);
  });
});

describe('PrivateNetwork default security group', () => {
  test('adopts the VPC default security group with no rules (Terraform removes the allow-all ones)', () => {
    const stack = testStack();
    new PrivateNetwork(stack, 'network', NETWORK);
    const [sg] = resources(synthJson(stack), 'aws_default_security_group');
    expect(sg.vpc_id).toMatch(/^\$\{aws_vpc\.network_vpc_\w+\.id\}$/);
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });
});
