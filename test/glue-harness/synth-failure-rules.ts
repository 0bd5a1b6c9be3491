/**
 * Synthesizes a GlueEtlPipeline and a NeptuneGraphMigration (every mode) and prints their EventBridge failure rules
 * (core's FailureNotifications) with their targets' input transformers, for test_failure_rules.py to run through
 * moto's EventBridge. Terraform references to state machines in the patterns are replaced by the ARN AWS would give
 * them (account 123456789012, the stack's region).
 * Output (stdout, JSON): [{ stack, rule, region, eventPattern, inputPaths, inputTemplate }].
 * Usage: tsx test/glue-harness/synth-failure-rules.ts
 */
import { MigrationStack, NetworkRef, Testing } from '../../modules/core';
import { GlueEtlPipeline } from '../../modules/glue-etl-pipeline';
import { NeptuneGraphMigration } from '../../modules/neptune-graph-migration';
import { productMapping } from '../unit/neptune/fixtures';

type Json = Record<string, any>;

const REGION = 'eu-west-2';
const NETWORK: NetworkRef = {
  vpcId: 'vpc-local',
  privateSubnets: [{ id: 'subnet-a', availabilityZone: 'eu-west-2a' }, { id: 'subnet-b', availabilityZone: 'eu-west-2b' }],
  privateRouteTableIds: ['rtb-a'],
};
const SECRET = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf';
const stack = (id: string) => new MigrationStack(Testing.app(), id, { project: 'harness', environment: 'local', production: false, region: REGION });

const etl = stack('etl');
new GlueEtlPipeline(etl, 'etl', {
  network: NETWORK,
  source: { engine: 'mysql', host: 'mysql.internal', databaseName: 'shop', secretArn: SECRET, securityGroupId: 'sg-mysql' },
  target: { engine: 'postgresql', host: 'pg.internal', databaseName: 'app', secretArn: SECRET, securityGroupId: 'sg-pg' },
  tables: [{ sourceTable: 'shop.orders', targetTable: 'app.orders', keyColumn: 'id', columns: [{ source: 'id', type: 'bigint' }] }],
});
const graph = stack('graph');
new NeptuneGraphMigration(graph, 'graph', {
  network: NETWORK,
  mapping: {
    vertices: productMapping.vertices.map((v) => ({ ...v, watermarkColumn: 'updated_at' })),
    edges: productMapping.edges!.map((e) => ({ ...e, watermarkColumn: 'updated_at' })),
  },
  source: { host: 'mysql.internal', databaseName: 'sales', secretArn: SECRET, securityGroupId: 'sg-mysql' },
  directWrite: {},
  incremental: { schedule: 'cron(0/10 * * * ? *)' },
});

const rules: Json[] = [];
for (const s of [etl, graph]) {
  const out = JSON.parse(Testing.synth(s)) as Json;
  const machines = Object.entries((out.resource?.aws_sfn_state_machine ?? {}) as Record<string, Json>);
  const resolve = (text: string) =>
    machines.reduce((t, [key, m]) => t.split(`\${aws_sfn_state_machine.${key}.arn}`).join(`arn:aws:states:${REGION}:123456789012:stateMachine:${m.name}`), text);
  const byKey = (out.resource?.aws_cloudwatch_event_rule ?? {}) as Record<string, Json>;
  for (const target of Object.values((out.resource?.aws_cloudwatch_event_target ?? {}) as Record<string, Json>)) {
    const key = /^\$\{aws_cloudwatch_event_rule\.([^.]+)\.name\}$/.exec(target.rule)?.[1];
    if (!key || !target.input_transformer) continue;
    rules.push({
      stack: s.node.id,
      rule: byKey[key].name,
      region: REGION,
      eventPattern: JSON.parse(resolve(byKey[key].event_pattern)),
      inputPaths: target.input_transformer.input_paths,
      inputTemplate: target.input_transformer.input_template,
    });
  }
}
process.stdout.write(JSON.stringify(rules));
