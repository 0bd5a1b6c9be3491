import { Testing } from '../../modules/core';
import { CONFIG } from './config';
import { EtlWorkflowStack } from './stack';
import { GlueEtlPipeline } from '../../modules/glue-etl-pipeline';
import { crossAccountSecretReads } from '../../test/helpers/cross-account-secrets';
import { glueArgumentRuns } from '../../test/helpers/glue-arguments';
import { checkStack } from '../../tools/policy-check/engine';
import { register } from './index';
import { reviewDataFlows } from '../../test/helpers/review-flows';

type Json = Record<string, any>;

// Production is the richer of the two (schedule, notifications, bigger jobs); staging is checked for its differences.
const production = new EtlWorkflowStack(Testing.app(), 'etl-workflow-production', CONFIG.production);
const PROD: Json = JSON.parse(Testing.synth(production));
const resources = (out: Json, type: string): Json[] => Object.values(out.resource?.[type] ?? {});

describe('etl-workflow example project', () => {
  test('passes every policy rule that concerns the Glue pipeline', () => {
    const result = checkStack('etl-workflow-production', PROD as never);
    // The app-user secret's rotation belongs to modules/private-postgres; every other rule must be clean here.
    const findings = result.findings.filter((f) => !f.waived && !(f.rule === 'SECRETS-ROTATION' && f.address.startsWith('aws_secretsmanager_secret.database_')));
    expect(findings.map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
    const checked = Object.fromEntries(result.tallies.map((t) => [t.rule, t.checked]));
    expect(checked['GLUE-SECURITY-CONFIG']).toBe(3);
    expect(checked['GLUE-CONNECTION-TLS']).toBe(2);
    expect(checked['SFN-LOGGING']).toBe(1);
  });

  test('production runs nightly with an on-call subscription and larger extract and load jobs', () => {
    const [schedule] = resources(PROD, 'aws_scheduler_schedule');
    expect(schedule).toMatchObject({ schedule_expression: 'cron(30 1 * * ? *)', schedule_expression_timezone: 'Europe/London' });
    expect(resources(PROD, 'aws_sns_topic_subscription').map((s) => s.endpoint)).toEqual(['data-platform-oncall@example.com']);
    const jobs = Object.fromEntries(resources(PROD, 'aws_glue_job').map((j) => [j.name, j]));
    expect(jobs['etlflow-prod-etl-extract']).toMatchObject({ worker_type: 'G.2X', number_of_workers: 4, timeout: 240 });
    expect(jobs['etlflow-prod-etl-load'].default_arguments['--write_parallelism']).toBe('8');
    const groups = resources(PROD, 'aws_cloudwatch_log_group').filter((g) => g.name.startsWith('/aws-glue/') || g.name.startsWith('/aws/vendedlogs/'));
    expect(groups.every((g) => g.retention_in_days === 365)).toBe(true);
  });

  test('the load reads the Postgres app user secret and Glue is admitted to Postgres on 5432', () => {
    const load = resources(PROD, 'aws_glue_job').find((j) => j.name === 'etlflow-prod-etl-load')!;
    expect(load.default_arguments['--target_secret_arn']).toMatch(/^\$\{aws_secretsmanager_secret\.database_app-user-secret/);
    expect(load.default_arguments['--target_jdbc_url']).toMatch(/^jdbc:postgresql:\/\/\$\{.+\}:5432\/shop$/);
    const pgIngress = resources(PROD, 'aws_vpc_security_group_ingress_rule').filter(
      (r) => r.from_port === 5432 && String(r.description).includes('Glue connection'),
    );
    expect(pgIngress).toHaveLength(1);
    const mysqlIngress = resources(PROD, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === CONFIG.production.source.securityGroupId);
    expect(mysqlIngress).toMatchObject({ from_port: 3306, to_port: 3306, ip_protocol: 'tcp' });
    expect(mysqlIngress!.referenced_security_group_id).toMatch(/^\$\{aws_security_group\./);
    const endpoints = resources(PROD, 'aws_vpc_endpoint').map((e) => String(e.service_name).split('.').pop());
    expect(endpoints).toEqual(expect.arrayContaining(['s3', 'secretsmanager', 'kms', 'logs', 'glue', 'sts', 'monitoring']));
  });

  test('the plan creates the example\'s target tables in the migration user\'s schema', () => {
    const plan = JSON.parse(resources(PROD, 'aws_s3_object').find((o) => o.key === 'plans/etl-plan.json')!.content);
    expect(plan.tables.map((t: Json) => t.createTargetSql)).toEqual([
      expect.stringMatching(/^CREATE TABLE IF NOT EXISTS "shop"\."customer" \("customer_id" bigint NOT NULL, .*PRIMARY KEY \("customer_id"\)\)$/),
      expect.stringMatching(/^CREATE TABLE IF NOT EXISTS "shop"\."customer_order" \("id" bigint NOT NULL, .*"total_amount" numeric\(12,2\).*PRIMARY KEY \("id"\)\)$/),
    ]);
  });

  test('the plan computes each order\'s counted amount, the order totals per customer and a summary view', () => {
    const plan = JSON.parse(resources(PROD, 'aws_s3_object').find((o) => o.key === 'plans/etl-plan.json')!.content);
    const orders = plan.tables[1];
    expect(orders.computed).toEqual([
      {
        target: 'counted_amount',
        type: 'decimal(12,2)',
        sql: "CAST((CASE WHEN (`status` = 'cancelled') THEN 0 ELSE coalesce(`total`, 0) END) AS DECIMAL(12,2))",
      },
    ]);
    expect(orders.createTargetSql).toContain('"counted_amount" numeric(12,2)');
    expect(orders.aggregates).toHaveLength(1);
    expect(orders.aggregates[0]).toMatchObject({ targetTable: 'shop.customer_order_total', keyColumns: ['customer_id'] });
    expect(orders.aggregates[0].selectSql).toContain('CAST(sum(coalesce(`total`, 0)) AS DECIMAL(16,2)) AS `total_amount`');
    expect(orders.aggregates[0].createTargetSql).toMatch(/^CREATE TABLE IF NOT EXISTS "shop"\."customer_order_total" \("customer_id" bigint NOT NULL, /);
    expect(plan.postLoadSql).toEqual([expect.stringMatching(/^CREATE OR REPLACE VIEW shop\.customer_summary AS /)]);
  });

  test('outputs are non-secret handles only', () => {
    expect(Object.keys(PROD.output).sort()).toEqual(['data_bucket', 'database_endpoint', 'failure_topic_arn', 'glue_jobs', 'state_machine_arn']);
    expect(JSON.stringify(PROD.output)).not.toMatch(/secret|password/i);
  });

  test('staging has no schedule and smaller defaults', () => {
    const staging = new EtlWorkflowStack(Testing.app(), 'etl-workflow-staging', CONFIG.staging);
    const out: Json = JSON.parse(Testing.synth(staging));
    expect(resources(out, 'aws_scheduler_schedule')).toHaveLength(0);
    expect(resources(out, 'aws_sns_topic_subscription')).toHaveLength(0);
    const extract = resources(out, 'aws_glue_job').find((j) => j.name === 'etlflow-staging-etl-extract')!;
    expect(extract).toMatchObject({ worker_type: 'G.1X', number_of_workers: 2 });
  });
});

describe('etl-workflow: every stack', () => {
  const stacks = register(Testing.app()).map((s) => ({ name: s.node.id, out: JSON.parse(Testing.synth(s)) as Json }));
  const runs = glueArgumentRuns(stacks);

  test('starts extract, transform and load, with their defaults and from the state machine', () => {
    expect([...new Set(runs.map((r) => r.script))].sort()).toEqual(['etl/extract.py', 'etl/load.py', 'etl/transform.py']);
    expect(new Set(runs.filter((r) => r.source.startsWith('state')).map((r) => r.script))).toEqual(new Set(['etl/extract.py', 'etl/load.py', 'etl/transform.py']));
  });

  test.each(runs.map((r) => [r.id, r.problems] as const))('%s: Glue resolves every argument the script reads, and the script reads every argument set', (_id, problems) => {
    expect(problems).toEqual([]);
  });

  test.each(stacks.map((s) => [s.name, s.out] as const))('%s: roles reading the source account\'s secret may decrypt it, via Secrets Manager only', (_name, out) => {
    const reads = crossAccountSecretReads(out);
    expect(reads.secrets.length).toBeGreaterThan(0);
    expect(reads.problems).toEqual([]);
  });
});

describe('etl-workflow review data flows (plan-review)', () => {
  test('the schedule starts the state machine and dead-letters to its queue; connections read their secrets', () => {
    expect(reviewDataFlows(register, 'etl-workflow-production')).toEqual(
      expect.arrayContaining([
        'etlflow-prod-etl -> etlflow-prod-etl: triggers cron(30 1 * * ? *)',
        'etlflow-prod-etl -> etlflow-prod-etl-schedule-dlq: dead letters',
        'secretsmanager shop-prod-mysql-etl-reader -> etlflow-prod-etl-source: credentials',
        'etlflow-prod-db/etl_loader -> etlflow-prod-etl-target: credentials',
      ]),
    );
  });
});

// Variant: two pipelines over the same MySQL and Postgres in one stack, sharing Glue's key, security configuration,
// security group and one connection per database (GlueSharedResources); the second pipeline is built here with the
// module on the project's stack, as a project adding one would.
describe('etl-workflow shared-glue variant', () => {
  const build = (id: string, sharedGlue: boolean): Json => {
    const stack = new EtlWorkflowStack(Testing.app(), id, { ...CONFIG.production, sharedGlue });
    new GlueEtlPipeline(stack, 'etl-customers', {
      component: 'etl-customers',
      network: stack.network.ref,
      shared: stack.glue,
      source: { engine: 'mysql', ...CONFIG.production.source },
      target: {
        engine: 'postgresql',
        host: stack.database.address,
        port: stack.database.port,
        databaseName: stack.database.databaseName,
        secretArn: stack.database.clientSecretArn,
        secretKmsKeyArn: stack.database.secretKmsKeyArn,
        database: stack.database,
        connectionBudget: stack.database.connectionBudget,
      },
      tables: CONFIG.production.tables.filter((t) => t.sourceTable === 'shop.customers'),
      createTargetTables: CONFIG.production.createTargetTables,
    });
    return JSON.parse(Testing.synth(stack));
  };
  // Every key but the Postgres one (database_key) is a Glue key; every security group named *-glue is a Glue group.
  const glueKeys = (json: Json) => Object.keys(json.resource.aws_kms_key ?? {}).filter((k) => !k.startsWith('database_'));
  const glueGroups = (json: Json) => resources(json, 'aws_security_group').filter((g) => String(g.name).endsWith('-glue'));
  const SHARED = build('etl-workflow-shared', true);
  const UNSHARED = build('etl-workflow-unshared', false);

  test('two pipelines share one Glue KMS key, security configuration and security group, and one connection per database', () => {
    expect(resources(SHARED, 'aws_glue_job')).toHaveLength(6);
    expect(resources(SHARED, 'aws_sfn_state_machine')).toHaveLength(2);
    expect(glueKeys(SHARED)).toHaveLength(1);
    expect(resources(SHARED, 'aws_glue_security_configuration')).toHaveLength(1);
    expect(glueGroups(SHARED)).toHaveLength(1);
    const connections = resources(SHARED, 'aws_glue_connection');
    expect(connections.map((c) => c.connection_properties.JDBC_CONNECTION_URL.split(':')[1]).sort()).toEqual(['mysql', 'postgresql']);
    expect(new Set(resources(SHARED, 'aws_glue_job').map((j) => j.security_configuration)).size).toBe(1);
    // Without sharing, the same two pipelines build two of each and four connections.
    expect(glueKeys(UNSHARED)).toHaveLength(2);
    expect(resources(UNSHARED, 'aws_glue_security_configuration')).toHaveLength(2);
    expect(glueGroups(UNSHARED)).toHaveLength(2);
    expect(resources(UNSHARED, 'aws_glue_connection')).toHaveLength(4);
  });

  test('the shared-glue variant passes every policy rule that concerns the Glue pipelines', () => {
    const findings = checkStack('etl-workflow-shared', SHARED as never).findings.filter(
      (f) => !f.waived && !(f.rule === 'SECRETS-ROTATION' && f.address.startsWith('aws_secretsmanager_secret.database_')),
    );
    expect(findings.map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
  });
});
