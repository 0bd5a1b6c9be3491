import { Testing } from '../../modules/core';
import { register } from './index';
import { CONFIG } from './config';
import { LedgerReplicaStack } from './stack';
import { crossAccountSecretReads } from '../../test/helpers/cross-account-secrets';
import { checkStack } from '../../tools/policy-check/engine';
import { TfJson } from '../../tools/policy-check/tf';

type Out = TfJson & { resource: Record<string, Record<string, Record<string, any>>>; output: Record<string, { value: unknown }>; terraform: any };

// Synthesized once for the file: the stacks are the slowest part of this suite.
const stacks = new Map(register(Testing.app()).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as Out]));
const list = (out: Out, type: string) => Object.values(out.resource[type] ?? {});

describe('example project ledger-replica', () => {
  test('registers a staging and a production stack with an S3 backend', () => {
    expect([...stacks.keys()]).toEqual(['ledger-replica-staging', 'ledger-replica-production']);
    for (const out of stacks.values()) expect(out.terraform.backend.s3.bucket).toBe('ledger-terraform-state');
  });

  test('passes every policy rule without waivers', () => {
    for (const [name, out] of stacks) {
      const result = checkStack(name, out);
      expect(result.findings.map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
      expect(result.waiverErrors).toEqual([]);
    }
  });

  test('targets Aurora PostgreSQL and loads the export into the same tables the stream keeps current', () => {
    const out = stacks.get('ledger-replica-staging')!;
    expect(list(out, 'aws_rds_cluster').map((c) => c.engine)).toEqual(['aurora-postgresql']);
    const tasks = list(out, 'aws_dms_replication_task');
    expect(tasks.map((t) => t.migration_type).sort()).toEqual(['cdc', 'full-load']);
    const def = JSON.parse(list(out, 'aws_dms_s3_endpoint')[0].external_table_definition);
    expect(def.Tables.map((t: { TableOwner: string; TableName: string }) => `${t.TableOwner}.${t.TableName}`)).toEqual(['dmv.person', 'dmv.vehicle', 'dmv.vehicle_registration', 'dmv.drivers_license']);
    // PostgreSQL supports no custom CDC start time: CDC starts at the LSN of the slot made before the export, and the
    // source endpoint names that slot (templates/postgres/cdc-start-slot.sql).
    const cdc = tasks.find((t) => t.migration_type === 'cdc')!;
    expect(cdc.cdc_start_position).toBe(CONFIG.staging.source.cdcStartPosition);
    expect(cdc).not.toHaveProperty('cdc_start_time');
    const pgSource = list(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'source')!;
    expect(pgSource.postgres_settings).toMatchObject({ slot_name: CONFIG.staging.source.slotName, plugin_name: 'test-decoding', fail_tasks_on_lob_truncation: true });
    const pgTarget = list(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target' && e.engine_name !== 'kinesis')!;
    expect(pgTarget.engine_name).toBe('aurora-postgresql');
    // S3 is not a source DMS validates: the load runs without validation and is checked by row counts instead.
    expect(JSON.parse(tasks.find((t) => t.migration_type === 'full-load')!.replication_task_settings).ValidationSettings.EnableValidation).toBe(false);
    expect(out.output.row_count_tables.value).toBe('dmv.person,dmv.vehicle,dmv.vehicle_registration,dmv.drivers_license');
    // The deploy-time schema setup waits for the Aurora writer.
    const inv = list(out, 'aws_lambda_invocation')[0];
    expect(inv.depends_on.some((d: string) => d.startsWith('aws_rds_cluster_instance.'))).toBe(true);
  });

  test('the DMS Postgres target logs in with the app-user secret (host and port inside), never the Aurora-managed master secret', () => {
    // https://docs.aws.amazon.com/dms/latest/userguide/security_iam_secretsmanager.html: DMS reads host and port from the
    // secret; the master secret holds only username and password.
    for (const out of stacks.values()) {
      const pgTarget = list(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target' && e.engine_name === 'aurora-postgresql')!;
      expect(pgTarget.secrets_manager_arn).toMatch(/^\$\{aws_secretsmanager_secret\.database_app-user-secret_\w+\.arn\}$/);
      expect(JSON.stringify(pgTarget)).not.toContain('master_user_secret');
      expect(pgTarget).not.toHaveProperty('server_name');
      expect(pgTarget).not.toHaveProperty('port');
      // The consumer writes as the same login (it creates the tables the load truncates).
      const consumer = list(out, 'aws_lambda_function').find((f) => String(f.function_name).includes('consumer'))!;
      expect(consumer.environment.variables.DB_SECRET_ARN).toBe(pgTarget.secrets_manager_arn);
      const version = list(out, 'aws_secretsmanager_secret_version').find((v) => String(v.secret_id).includes('app-user-secret'))!;
      expect(version.secret_string_wo).toMatch(/"host"/);
      expect(version.secret_string_wo).toMatch(/"port"/);
    }
  });

  test('DMS reaches the source on 5432 and Kinesis through an interface endpoint', () => {
    const out = stacks.get('ledger-replica-staging')!;
    const egress = list(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.cidr_ipv4 === CONFIG.staging.source.cidr);
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({ from_port: 5432, to_port: 5432, ip_protocol: 'tcp' });
    expect(list(out, 'aws_vpc_endpoint').map((e) => e.service_name)).toContain('com.amazonaws.us-east-1.kinesis-streams');
  });

  test('production: provisioned shards, a week of retention, multi-AZ replication', () => {
    const prod = stacks.get('ledger-replica-production')!;
    expect(list(prod, 'aws_kinesis_stream')[0]).toMatchObject({ shard_count: 4, retention_period: 168, encryption_type: 'KMS' });
    expect(list(prod, 'aws_dms_replication_instance').map((i) => i.multi_az)).toEqual([true]);
    expect(list(prod, 'aws_lambda_function').find((f) => String(f.function_name).includes('consumer'))!.reserved_concurrent_executions).toBe(8);
  });

  test('records are alarmed at 25% of the retention: 6 h in staging (on-demand, 2 consumers), 42 h in production', () => {
    const threshold = (name: string) => list(stacks.get(name)!, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'GetRecords.IteratorAgeMilliseconds')!.threshold;
    expect(threshold('ledger-replica-staging')).toBe(6 * 3600 * 1000);
    expect(threshold('ledger-replica-production')).toBe(42 * 3600 * 1000);
    for (const out of stacks.values()) {
      expect(list(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).toEqual(expect.arrayContaining(['Throttles', 'DestinationDeliveryFailures']));
    }
  });

  test('alarms of the consumer and of DMS share one topic; outputs are handles, never secrets', () => {
    const out = stacks.get('ledger-replica-staging')!;
    const actions = new Set(list(out, 'aws_cloudwatch_metric_alarm').flatMap((a) => a.alarm_actions));
    expect(actions.size).toBe(1);
    expect(Object.keys(out.output).sort()).toEqual([
      'alerts_topic_arn',
      'cdc_task_arn',
      'change_stream_arn',
      'consumer_function',
      'database_endpoint',
      'database_reader_endpoint',
      'export_bucket',
      'failed_changes_queue_url',
      'full_load_task_arn',
      'row_count_source_tables',
      'row_count_tables',
    ]);
    expect(JSON.stringify(out.output)).not.toMatch(/password|secret_string/i);
  });

  test('the Aurora target is alarmed on its writer (and readers in production) on the DMS topic', () => {
    for (const [name, out] of stacks) {
      const topic = list(out, 'aws_cloudwatch_metric_alarm').find((a) => a.namespace === 'AWS/DMS')!.alarm_actions[0];
      const db = list(out, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'AWS/RDS');
      const expected = ['CPUUtilization', 'DatabaseConnections', 'FreeLocalStorage', 'FreeableMemory', 'MaximumUsedTransactionIDs'];
      if (name.endsWith('production')) expected.unshift('AuroraReplicaLag');
      expect(db.map((a) => a.metric_name).sort()).toEqual(expected);
      for (const a of db) {
        expect(a.alarm_actions).toEqual([topic]);
        expect(a.dimensions.DBClusterIdentifier).toBe(list(out, 'aws_rds_cluster')[0].cluster_identifier);
      }
    }
  });

  test('the reader endpoint is a handle on the cluster\'s reader endpoint', () => {
    const out = stacks.get('ledger-replica-production')!;
    const [clusterId] = Object.keys(out.resource.aws_rds_cluster);
    expect(out.output.database_reader_endpoint.value).toBe(`\${aws_rds_cluster.${clusterId}.reader_endpoint}:5432`);
  });

  test('variant: a Serverless v2 target with two readers in three zones, alarmed on reader lag, policy clean', () => {
    const config = { ...CONFIG.production, target: { ...CONFIG.production.target, instanceClass: undefined, readerCount: 2, serverlessV2: { minCapacity: 2, maxCapacity: 32 } } };
    const out = JSON.parse(Testing.synth(new LedgerReplicaStack(Testing.app(), 'ledger-replica-production', config))) as Out;
    expect(list(out, 'aws_rds_cluster')[0].serverlessv2_scaling_configuration).toEqual({ min_capacity: 2, max_capacity: 32 });
    const instances = list(out, 'aws_rds_cluster_instance');
    expect(instances.map((i) => i.instance_class)).toEqual(['db.serverless', 'db.serverless', 'db.serverless']);
    expect(new Set(instances.map((i) => i.availability_zone)).size).toBe(Math.min(3, new Set(config.availabilityZones).size));
    expect(list(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).toContain('AuroraReplicaLag');
    const result = checkStack('ledger-replica-production', out);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`)).toEqual([]);
  });

  test.each([...stacks])('%s: roles reading the source account\'s secret may decrypt it, via Secrets Manager only', (_name, out) => {
    const reads = crossAccountSecretReads(out);
    expect(reads.secrets.length).toBeGreaterThan(0);
    expect(reads.problems).toEqual([]);
  });
});
