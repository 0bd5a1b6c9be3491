import { MigrationStack, NetworkRef, Testing } from '../../../modules/core';
import { GraphMapping, NeptuneGraphMigration, NeptuneGraphMigrationProps } from '../../../modules/neptune-graph-migration';
import { checkStack } from '../../../tools/policy-check/engine';
import { productMapping } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NETWORK: NetworkRef = {
  vpcId: 'vpc-123',
  privateSubnets: [
    { id: 'subnet-a', availabilityZone: 'eu-west-2a' },
    { id: 'subnet-b', availabilityZone: 'eu-west-2b' },
  ],
  privateRouteTableIds: ['rtb-a', 'rtb-b'],
  apiEndpointsSecurityGroupId: 'sg-endpoints',
};
const SOURCE = { host: 'sales.internal', databaseName: 'sales', secretArn: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:mysql-AbCdEf', securityGroupId: 'sg-mysql' };
const WITH_WATERMARKS: GraphMapping = {
  vertices: productMapping.vertices.map((v) => ({ ...v, watermarkColumn: 'updated_at' })),
  edges: productMapping.edges!.map((e) => ({ ...e, watermarkColumn: 'updated_at' })),
};

function build(overrides: Partial<NeptuneGraphMigrationProps> = {}): { out: Json; migration: NeptuneGraphMigration } {
  const s = new MigrationStack(Testing.app(), 'test', { project: 'demo', environment: 'staging', production: false, region: 'eu-west-2' });
  const migration = new NeptuneGraphMigration(s, 'graph', {
    network: NETWORK,
    mapping: WITH_WATERMARKS,
    source: SOURCE,
    directWrite: {},
    incremental: { schedule: 'cron(0/10 * * * ? *)' },
    ...overrides,
  });
  return { out: JSON.parse(Testing.synth(s)), migration };
}
const all = (out: Json, type: string): Json[] => Object.values(out.resource?.[type] ?? {});

describe('NeptuneGraphMigration failure notifications', () => {
  const { out, migration } = build({ alarmSubscriptions: [{ protocol: 'email', endpoint: 'oncall@example.com' }] });
  const topicRef = `\${aws_sns_topic.${migration.failureTopic.friendlyUniqueId}.arn}`;
  const patterns = all(out, 'aws_cloudwatch_event_rule').map((r) => JSON.parse(r.event_pattern));

  test('failed runs of the export, direct and incremental (trigger-started) jobs reach the failure topic', () => {
    expect(patterns).toContainEqual({
      source: ['aws.glue'],
      'detail-type': ['Glue Job State Change'],
      detail: { jobName: ['demo-staging-graph-export', 'demo-staging-graph-direct', 'demo-staging-graph-incremental'], state: ['FAILED', 'TIMEOUT', 'ERROR'] },
    });
    // The incremental trigger starts the job the rule names.
    const [trigger] = all(out, 'aws_glue_trigger');
    expect(trigger.actions[0].job_name).toBe('demo-staging-graph-incremental');
  });

  test('failed, timed-out or aborted bulk-load executions reach it too', () => {
    expect(patterns).toContainEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [`\${aws_sfn_state_machine.${migration.stateMachine!.friendlyUniqueId}.arn}`] },
    });
    const targets = all(out, 'aws_cloudwatch_event_target');
    expect(targets).toHaveLength(2);
    expect(targets.every((t) => t.arn === topicRef)).toBe(true);
  });

  test('the topic is encrypted with a key EventBridge may use, admits only these rules, and the subscriptions are made', () => {
    const [topic] = all(out, 'aws_sns_topic');
    expect(topic.name).toBe('demo-staging-graph-failures');
    const keyId = /aws_kms_key\.([^.]+)\.arn/.exec(topic.kms_master_key_id)![1];
    expect(JSON.parse(out.resource.aws_kms_key[keyId].policy).Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }),
    );
    const [policy] = all(out, 'aws_sns_topic_policy');
    const publish = JSON.parse(policy.policy).Statement.find((s: Json) => s.Sid === 'FailureRulesPublish');
    expect(publish.Condition.ArnEquals['aws:SourceArn']).toHaveLength(2);
    expect(all(out, 'aws_sns_topic_subscription')).toEqual([expect.objectContaining({ protocol: 'email', endpoint: 'oncall@example.com', topic_arn: topicRef })]);
  });

  test('bulk only: the rule names the export job and the state machine', () => {
    const bulkOnly = build({ mapping: productMapping, directWrite: undefined, incremental: undefined }).out;
    const glue = all(bulkOnly, 'aws_cloudwatch_event_rule').map((r) => JSON.parse(r.event_pattern)).find((p) => p.source[0] === 'aws.glue');
    expect(glue.detail.jobName).toEqual(['demo-staging-graph-export']);
  });

  test('direct only: no state machine, so no execution rule', () => {
    const directOnly = build({ mapping: productMapping, bulkLoad: false, incremental: undefined }).out;
    expect(all(directOnly, 'aws_cloudwatch_event_rule').map((r) => JSON.parse(r.event_pattern).source)).toEqual([['aws.glue']]);
  });

  test('passes every policy rule', () => {
    const result = checkStack('test', out as never);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });
});

describe('NeptuneGraphMigration data bucket name and rule descriptions', () => {
  test('bucketName names the data bucket; bucketNameSuffix extends the generated name', () => {
    expect(all(build({ bucketName: 'acme-graph-data' }).out, 'aws_s3_bucket').map((b) => b.bucket)).toEqual(['acme-graph-data']);
    expect(all(build({ bucketNameSuffix: '111122223333' }).out, 'aws_s3_bucket').map((b) => b.bucket)).toEqual(['demo-staging-graph-data-111122223333']);
  });

  test('fails when the bucket name is not a valid S3 name', () => {
    expect(() => build({ bucketName: 'graph.data' })).toThrow(/bucketName "graph.data" is not a valid S3 bucket name: dots break HTTPS/);
  });

  test('Neptune\'s rules say who connects to it and what for, client first', () => {
    const { out } = build();
    const descriptions = [...all(out, 'aws_vpc_security_group_ingress_rule'), ...all(out, 'aws_vpc_security_group_egress_rule')]
      .filter((r) => r.from_port === 8182)
      .map((r) => r.description);
    expect([...new Set(descriptions)].sort()).toEqual([
      'From Glue jobs demo-staging-graph-glue to Neptune demo-staging-graph: Gremlin upserts of the direct and incremental jobs',
      'From Lambda demo-staging-graph-bulk-load to Neptune demo-staging-graph: starts and polls bulk loads (loader API)',
    ]);
  });
});
