import { checkStack } from '../../tools/policy-check/engine';
import { describeProjectBasics, list, synthProject } from '../../test/helpers/example-project';
import { register } from './index';

const stacks = synthProject(register);

describe('example project mysql-to-s3-lab', () => {
  describeProjectBasics('mysql-to-s3-lab', stacks);

  test('limited LOB mode (the only one S3 supports) is sized by config and waived with that reason', () => {
    for (const [name, out] of stacks) {
      const task = list(out, 'aws_dms_replication_task')[0];
      expect(JSON.parse(task.replication_task_settings).TargetMetadata).toMatchObject({ FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 64 });
      const waived = checkStack(name, out).findings.filter((f) => f.rule === 'DMS-TASK-LOB-SAFE');
      expect(waived).toHaveLength(1);
      expect(waived[0].waived).toMatch(/S3 targets do not support full LOB mode/);
    }
  });

  test('production runs a multi-AZ replication instance', () => {
    const prod = stacks.get('mysql-to-s3-lab-production')!;
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

describe('mysql-to-s3-lab specifics', () => {
  const out = stacks.get('mysql-to-s3-lab-staging')!;

  test('masks email and phone and drops the street address', () => {
    const rules = JSON.parse(list(out, 'aws_dms_replication_task')[0].table_mappings).rules as Array<Record<string, any>>;
    const on = (column: string) => rules.filter((r) => r['object-locator']['column-name'] === column).map((r) => r['rule-action']);
    expect(on('email')).toEqual(['data-masking-hash-mask']);
    expect(on('phone')).toEqual(['data-masking-digits-mask']);
    expect(rules.find((r) => r['rule-action'] === 'data-masking-digits-mask')!.value).toBe('#');
    expect(on('address')).toEqual(['remove-column']);
  });

  test('writes date-partitioned Parquet with a CDC folder under SSE-KMS', () => {
    expect(list(out, 'aws_dms_s3_endpoint')[0]).toMatchObject({ data_format: 'parquet', cdc_path: 'cdc', bucket_folder: 'raw/retail', date_partition_enabled: true, encryption_mode: 'SSE_KMS' });
  });

  test('reaches the source by its security group on 3306, TLS required', () => {
    expect(list(out, 'aws_vpc_security_group_ingress_rule').find((r) => r.security_group_id === 'sg-0a1b2c3d4e5f60031')).toMatchObject({ from_port: 3306, to_port: 3306 });
    expect(list(out, 'aws_dms_endpoint')[0]).toMatchObject({ engine_name: 'mysql', ssl_mode: 'require' });
  });

  test('the existing VPC is checked at plan (Secrets Manager endpoint, S3 route) and DMS egress goes only to its endpoints and S3', () => {
    const vpc = Object.values(out.data!.aws_vpc)[0] as { id: string; lifecycle: { precondition: Array<{ condition: string }> } };
    expect(vpc.id).toBe('vpc-0a1b2c3d4e5f60001');
    const conditions = vpc.lifecycle.precondition.map((p) => p.condition).join('\n');
    expect(conditions).toMatch(/data\.aws_vpc_endpoint\.network_existing-secretsmanager_\w+\.private_dns_enabled/);
    expect(conditions).toMatch(/contains\(data\.aws_vpc_endpoint\.network_existing-s3-gateway_\w+\.route_table_ids, data\.aws_route_table\.network_route-table-1_\w+\.route_table_id\)/);
    const https = list(out, 'aws_vpc_security_group_egress_rule').filter((r) => r.from_port === 443);
    expect(https.map((r) => r.referenced_security_group_id ?? r.prefix_list_id ?? r.cidr_ipv4).sort()).toEqual([
      expect.stringMatching(/^\$\{data\.aws_vpc_endpoint\.network_existing-s3-gateway_\w+\.prefix_list_id\}$/),
      'sg-0a1b2c3d4e5f60021',
    ]);
  });

  test('alarms on CDC latency and instance health', () => {
    expect(list(out, 'aws_cloudwatch_metric_alarm').map((a) => a.metric_name)).toEqual(expect.arrayContaining(['CDCLatencySource', 'CDCLatencyTarget', 'FreeStorageSpace']));
  });
});
