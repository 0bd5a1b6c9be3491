import { describeProjectBasics, list, synthProject } from '../../test/helpers/example-project';
import { checkStack } from '../../tools/policy-check/engine';
import { CONFIG } from './config';
import { register } from './index';
import { SqlServerToPostgresStack } from './stack';

const stacks = synthProject(register);

describe('example project sqlserver-to-postgres', () => {
  describeProjectBasics('sqlserver-to-postgres', stacks);

  test('production runs a multi-AZ replication instance', () => {
    const prod = stacks.get('sqlserver-to-postgres-production')!;
    expect(list(prod, 'aws_dms_replication_instance').map((i) => i.multi_az)).toEqual([true]);
  });

  test('outputs carry handles, never secret values', () => {
    for (const out of stacks.values()) {
      const text = JSON.stringify(out.output);
      expect(text).not.toMatch(/"password"\s*:\s*"(?!<password>)/);
      expect(Object.keys(out.output)).toContain('replication_task_arn');
    }
  });
});

describe('sqlserver-to-postgres specifics', () => {
  const out = stacks.get('sqlserver-to-postgres-staging')!;

  test('picks MS-CDC for a source whose tables lack primary keys, and sets its attributes', () => {
    expect(out.output.sqlserver_mode.value).toBe('ms-cdc');
    const source = list(out, 'aws_dms_endpoint').find((e) => e.engine_name === 'sqlserver')!;
    // A self-managed source, login without sysadmin: DMS reads the log through templates/sqlserver/non-sysadmin-wrapper.sql.
    expect(source).toMatchObject({ ssl_mode: 'require', extra_connection_attributes: 'enableNonSysadminWrapper=true;ignoreMsReplicationEnablement=true;' });
    // DMS reads the server from the secret: the address is in the operator's put command, not beside the secret.
    expect(source).not.toHaveProperty('server_name');
    expect(out.output.source_secret_put_command.value).toContain('"host":"10.200.10.25","port":1433}');
  });

  test('the DMS security group is admitted to Postgres on 5432 (the step the playbook left manual)', () => {
    const dmsSg = Object.entries(out.resource.aws_security_group).find(([, sg]) => String(sg.name).endsWith('-billing-dms'))![0];
    const rule = list(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.referenced_security_group_id === `\${aws_security_group.${dmsSg}.id}` && r.from_port === 5432);
    expect(rule).toBeDefined();
  });

  test('a full load + CDC task into the app user with validation on', () => {
    const task = list(out, 'aws_dms_replication_task')[0];
    expect(task.migration_type).toBe('full-load-and-cdc');
    const settings = JSON.parse(task.replication_task_settings);
    expect(settings.ValidationSettings.EnableValidation).toBe(true);
    // LOB sizes not measured yet: full LOB mode (limited LOB mode would truncate with only a warning).
    expect(settings.TargetMetadata).toMatchObject({ FullLobMode: true, LimitedSizeLobMode: false });
    expect(settings.ControlTablesSettings.ControlSchema).toBe('billing');
    const target = list(out, 'aws_dms_endpoint').find((e) => e.endpoint_type === 'target')!;
    expect(target.secrets_manager_arn).toContain('aws_secretsmanager_secret.database_app-user-secret');
  });

  test('day two: apply exceptions alarm to the migration topic, and the task resumes after an apply stops it', () => {
    const alarm = list(out, 'aws_cloudwatch_metric_alarm').find((a) => a.metric_name === 'ApplyExceptions')!;
    expect(alarm).toMatchObject({ namespace: 'MigrationKit/DMS', threshold: 0, comparison_operator: 'GreaterThanThreshold' });
    expect(alarm.alarm_actions[0]).toMatch(/^\$\{aws_sns_topic\./);
    const check = list(out, 'aws_lambda_function').find((f) => f.environment.variables.METRIC_NAMESPACE)!;
    expect(check.environment.variables).toMatchObject({ CONTROL_SCHEMA: 'billing', DB_SECRET_ARN: expect.stringContaining('aws_secretsmanager_secret.database_app-user-secret') });
    expect(list(out, 'aws_vpc_endpoint').map((e) => String(e.service_name))).toEqual(expect.arrayContaining([expect.stringMatching(/\.monitoring$/)]));
    expect(JSON.parse(list(out, 'aws_lambda_invocation').find((i) => i.input.includes('resume'))!.input)).toEqual({ action: 'resume' });
  });
});

describe('sqlserver-to-postgres on DMS Serverless (config.dms.serverless)', () => {
  // The same project with its replication on DMS Serverless: production config, capacity 2-32 DCUs.
  const variant = synthProject((app) => [
    new SqlServerToPostgresStack(app, 'sqlserver-to-postgres-serverless', { ...CONFIG.production, dms: { ...CONFIG.production.dms, serverless: { minCapacityUnits: 2, maxCapacityUnits: 32 } } }),
  ]).get('sqlserver-to-postgres-serverless')!;

  test('a multi-AZ replication config replaces the instance and the task, with the same mappings and settings', () => {
    expect(list(variant, 'aws_dms_replication_instance')).toHaveLength(0);
    expect(list(variant, 'aws_dms_replication_task')).toHaveLength(0);
    const [cfg] = list(variant, 'aws_dms_replication_config');
    expect(cfg).toMatchObject({ replication_type: 'full-load-and-cdc', compute_config: { min_capacity_units: 2, max_capacity_units: 32, multi_az: true } });
    expect(JSON.parse(cfg.table_mappings).rules).toContainEqual(expect.objectContaining({ 'rule-type': 'transformation', 'rule-action': 'rename', value: 'billing' }));
    expect(JSON.parse(cfg.replication_settings).ValidationSettings.EnableValidation).toBe(true);
    expect(Object.keys(variant.output)).toEqual(expect.arrayContaining(['replication_config_arn', 'dms_security_group_id', 'alerts_topic_arn']));
  });

  test('its state changes reach the alerts topic through EventBridge', () => {
    const [rule] = list(variant, 'aws_cloudwatch_event_rule').filter((r) => JSON.parse(r.event_pattern).source?.[0] === 'aws.dms');
    expect(JSON.parse(rule.event_pattern)['detail-type']).toEqual(['DMS Replication State Change']);
  });

  test('passes every policy rule', () => {
    const result = checkStack('sqlserver-to-postgres-serverless', variant);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
    expect(result.waiverErrors).toEqual([]);
    expect(result.unusedWaivers).toEqual([]);
  });
});

describe('sqlserver-to-postgres with its source endpoint adopted by ARN (config.source.existingEndpointArn)', () => {
  // The platform team made the SQL Server endpoint (and its secret) elsewhere: this stack adopts it with ExistingDmsEndpoint.
  const ARN = 'arn:aws:dms:eu-west-2:111122223333:endpoint:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const variant = synthProject((app) => [
    new SqlServerToPostgresStack(app, 'sqlserver-to-postgres-adopted-source', { ...CONFIG.staging, source: { ...CONFIG.staging.source, existingEndpointArn: ARN } }),
  ]).get('sqlserver-to-postgres-adopted-source')!;

  test('the task reads from the given ARN; no source endpoint or source secret is created, the target still is', () => {
    const [task] = list(variant, 'aws_dms_replication_task');
    expect(task.source_endpoint_arn).toBe(ARN);
    expect(task.migration_type).toBe('full-load-and-cdc');
    expect(list(variant, 'aws_dms_endpoint').map((e) => e.endpoint_type)).toEqual(['target']);
    expect(list(variant, 'aws_dms_endpoint').some((e) => e.engine_name === 'sqlserver')).toBe(false);
    expect(task.target_endpoint_arn).toMatch(/^\$\{aws_dms_endpoint\.[^}]+\.endpoint_arn\}$/);
    expect(Object.keys(variant.output)).not.toContain('source_secret_arn');
    expect(Object.keys(variant.output)).not.toContain('source_secret_put_command');
  });

  test('the replication instance still reaches the source address on its port', () => {
    expect(list(variant, 'aws_vpc_security_group_egress_rule').find((r) => r.cidr_ipv4 === '10.200.10.25/32')).toMatchObject({ from_port: 1433, to_port: 1433, ip_protocol: 'tcp' });
  });

  test('passes every policy rule', () => {
    const result = checkStack('sqlserver-to-postgres-adopted-source', variant);
    expect(result.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}: ${f.message}`)).toEqual([]);
    expect(result.waiverErrors).toEqual([]);
    expect(result.unusedWaivers).toEqual([]);
  });
});
