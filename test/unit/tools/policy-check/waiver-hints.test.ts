import { checkStack, formatFinding } from '../../../../tools/policy-check/engine';
import { RULES } from '../../../../tools/policy-check/rules';
import { findingsOf, Resources, stackJson } from './helpers';

/**
 * Findings where the kit's module refuses the fix name the waiver to use: a masking task cannot have validation
 * (dms-migration refuses validation: true for it), and an S3 or Kinesis target cannot have full LOB mode.
 */
const endpoint = { secrets_manager_arn: '${aws_secretsmanager_secret.s.arn}', secrets_manager_access_role_arn: '${aws_iam_role.r.arn}', ssl_mode: 'require' };
const masking = JSON.stringify({
  rules: [
    { 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include' },
    { 'rule-type': 'transformation', 'rule-id': '2', 'rule-name': '2', 'rule-target': 'column', 'object-locator': { 'schema-name': 'dbo', 'table-name': 'card', 'column-name': 'pan' }, 'rule-action': 'data-masking-hash-mask' },
  ],
});
const plain = JSON.stringify({ rules: [{ 'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'object-locator': { 'schema-name': 'dbo', 'table-name': '%' }, 'rule-action': 'include' }] });

function stack(mappings: string, settings: Record<string, unknown>, target = '${aws_dms_endpoint.target.endpoint_arn}'): Resources {
  return {
    aws_dms_endpoint: {
      source: { ...endpoint, endpoint_type: 'source', engine_name: 'sqlserver' },
      target: { ...endpoint, endpoint_type: 'target', engine_name: 'postgres' },
      stream: { endpoint_type: 'target', engine_name: 'kinesis' },
      topics: { endpoint_type: 'target', engine_name: 'kafka' },
    },
    aws_dms_replication_task: {
      billing_task_ABC123: {
        migration_type: 'full-load-and-cdc',
        source_endpoint_arn: '${aws_dms_endpoint.source.endpoint_arn}',
        target_endpoint_arn: target,
        replication_task_settings: JSON.stringify({ Logging: { EnableLogging: true }, ...settings }),
        table_mappings: mappings,
        '//': { metadata: { path: 'demo-staging/migration/task/task' } },
      },
    },
  };
}
const validationOff = { ValidationSettings: { EnableValidation: false }, TargetMetadata: { SupportLobs: true, FullLobMode: true } };
const ADDRESS = 'aws_dms_replication_task.billing_task_ABC123';

describe('policy findings name the waiver where the module refuses the fix', () => {
  test('DMS-TASK-VALIDATION on a masking task: the waivePolicy call with the construct and the waiver key', () => {
    const [finding] = findingsOf('DMS-TASK-VALIDATION', stack(masking, validationOff));
    expect(finding.waiverHint).toMatchObject({ key: `DMS-TASK-VALIDATION:${ADDRESS}`, call: expect.stringContaining("this.waivePolicy('DMS-TASK-VALIDATION', <the construct at migration/task/task>, 'The task masks columns") });
    expect(formatFinding(finding)).toMatch(
      /EnableValidation is false for a database target -> set .*\. But the module refuses that fix here: the task masks columns .*\. Waive it in the stack instead: this\.waivePolicy\('DMS-TASK-VALIDATION', <the construct at migration\/task\/task>, '.*'\) \(waiver key "DMS-TASK-VALIDATION:aws_dms_replication_task\.billing_task_ABC123"\)/,
    );
  });

  test('a task that does not mask gets the plain fix (the module would apply it)', () => {
    const [finding] = findingsOf('DMS-TASK-VALIDATION', stack(plain, validationOff));
    expect(finding.waiverHint).toBeUndefined();
    expect(finding.fix).toBe('set "ValidationSettings": { "EnableValidation": true } so DMS compares source and target rows');
  });

  test('an already waived finding says so instead of asking for the waiver again', () => {
    const json = stackJson(stack(masking, validationOff), { waivers: { [`DMS-TASK-VALIDATION:${ADDRESS}`]: 'The task masks card numbers; row counts check it.' } });
    const [finding] = checkStack('demo-staging', json, RULES.filter((r) => r.id === 'DMS-TASK-VALIDATION')).findings;
    expect(finding.waived).toBe('The task masks card numbers; row counts check it.');
    expect(finding.fix).toMatch(/\(the module refuses that fix here: the task masks columns .*; already waived by "DMS-TASK-VALIDATION:aws_dms_replication_task\.billing_task_ABC123"\)$/);
    expect(finding.fix).not.toContain('this.waivePolicy');
  });

  test('DMS-TASK-LOB-SAFE into Kinesis or Kafka: limited LOB mode is all the target supports, so the finding names the waiver', () => {
    const limited = { ValidationSettings: { EnableValidation: false }, TargetMetadata: { SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32 } };
    const [kinesis] = findingsOf('DMS-TASK-LOB-SAFE', stack(plain, limited, '${aws_dms_endpoint.stream.endpoint_arn}'));
    expect(kinesis.waiverHint?.because).toMatch(/the target is kinesis, which supports only limited LOB mode \(DMS guide, CHAP_Target\.Kinesis limitations\)/);
    expect(kinesis.fix).toContain("this.waivePolicy('DMS-TASK-LOB-SAFE', <the construct at migration/task/task>");
    const [kafka] = findingsOf('DMS-TASK-LOB-SAFE', stack(plain, limited, '${aws_dms_endpoint.topics.endpoint_arn}'));
    expect(kafka.waiverHint?.because).toMatch(/the target is kafka, which supports only limited LOB mode \(DMS guide, CHAP_Target\.Kafka limitations\)/);
    // Into PostgreSQL full LOB mode is possible: no hint.
    expect(findingsOf('DMS-TASK-LOB-SAFE', stack(plain, limited))[0].waiverHint).toBeUndefined();
  });

  test('DMS-TASK-LOB-SAFE into an S3 target endpoint names the waiver too, citing the S3 target guide', () => {
    const limited = { ValidationSettings: { EnableValidation: false }, TargetMetadata: { SupportLobs: true, FullLobMode: false, LimitedSizeLobMode: true, LobMaxSize: 32 } };
    const resources = { ...stack(plain, limited, '${aws_dms_s3_endpoint.lake.endpoint_arn}'), aws_dms_s3_endpoint: { lake: { endpoint_type: 'target', bucket_name: 'lake' } } };
    const [finding] = findingsOf('DMS-TASK-LOB-SAFE', resources);
    expect(finding.waiverHint?.because).toBe(
      'the target is s3, which supports only limited LOB mode (DMS guide, CHAP_Target.S3 limitations), and dms-migration refuses full and inline LOB mode for it',
    );
    expect(finding.waiverHint?.call).toContain('Only limited LOB mode is possible into this target');
  });

  test('inline LOB mode without FullLobMode into Kinesis gets no waiver hint: that finding has a fix the module applies', () => {
    const inline = { ValidationSettings: { EnableValidation: false }, TargetMetadata: { SupportLobs: true, FullLobMode: false, InlineLobMaxSize: 16 } };
    const [finding] = findingsOf('DMS-TASK-LOB-SAFE', stack(plain, inline, '${aws_dms_endpoint.stream.endpoint_arn}'));
    expect(finding.message).toMatch(/InlineLobMaxSize is 16/);
    expect(finding.waiverHint).toBeUndefined();
  });

  test('table mappings that are not JSON, or whose rule-action is not a masking one, do not count as masking', () => {
    for (const mappings of ['{not json', JSON.stringify({ rules: [{ 'rule-action': 'include' }, { 'rule-action': ['data-masking-hash-mask'] }] }), JSON.stringify({})]) {
      expect(findingsOf('DMS-TASK-VALIDATION', stack(mappings, validationOff))[0].waiverHint).toBeUndefined();
    }
    const expression = stack(plain, validationOff);
    (expression.aws_dms_replication_task.billing_task_ABC123 as Record<string, unknown>).table_mappings = { rules: [] };
    expect(findingsOf('DMS-TASK-VALIDATION', expression)[0].waiverHint).toBeUndefined();
  });
});
