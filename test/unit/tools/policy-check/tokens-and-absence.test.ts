/**
 * The two cases every rule must get right beyond a plain wrong value: a setting that is an unresolved `${...}`
 * expression (counts only as "set", never as a specific literal) and a setting that is absent (always fails).
 * Rows not covered in the per-area files.
 */
import { findingsOf, messagesOf, Resources } from './helpers';

const VAR = '${var.unknown}';

type Row = [rule: string, description: string, resources: Resources, expected: RegExp | 'passes', production?: boolean];

/** Every row gets an explicit production flag: jest would read a missing last argument as a `done` callback. */
const withFlag = (row: Row): Required<Row> => [row[0], row[1], row[2], row[3], row[4] ?? false] as Required<Row>;

const rows: Row[] = [
  ['RDS-DELETE-PROTECT', 'deletion_protection is a token', { aws_db_instance: { db: { deletion_protection: VAR } } }, /deletion_protection is an expression resolved only at plan/, true],
  ['RDS-DELETE-PROTECT', 'skip_final_snapshot is a token', { aws_db_instance: { db: { deletion_protection: true, skip_final_snapshot: VAR } } }, /skip_final_snapshot is an expression/, true],
  ['RDS-IAM-AUTH', 'iam_database_authentication_enabled is a token', { aws_db_instance: { db: { iam_database_authentication_enabled: VAR } } }, /is an expression resolved only at plan .*; must be the literal true/],
  ['RDS-FORCE-SSL', 'parameter_group_name is a token naming no group of the stack', { aws_db_instance: { db: { parameter_group_name: VAR } } }, /parameter_group_name is an expression .*, not a aws_db_parameter_group created in this stack/],
  ['RDS-LOGS', 'the export list is a token', { aws_db_instance: { db: { enabled_cloudwatch_logs_exports: VAR } } }, /enabled_cloudwatch_logs_exports is an expression .*must be a literal list/],
  ['RDS-PATCH', 'copy_tags_to_snapshot is a token', { aws_db_instance: { db: { copy_tags_to_snapshot: VAR, auto_minor_version_upgrade: true } } }, /copy_tags_to_snapshot is an expression/],
  ['DMS-MULTI-AZ', 'multi_az is absent', { aws_dms_replication_instance: { i: {} } }, /multi_az is absent; must be the literal true/, true],
  ['DMS-MULTI-AZ', 'multi_az is a token', { aws_dms_replication_instance: { i: { multi_az: VAR } } }, /multi_az is an expression/, true],
  ['S3-SSE', 'sse_algorithm is a token', { aws_s3_bucket: { b: {} }, aws_s3_bucket_server_side_encryption_configuration: { s: { bucket: '${aws_s3_bucket.b.id}', rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: VAR } }] } } }, /sse_algorithm is an expression resolved only at plan/],
  ['S3-VERSIONING', 'the status is a token', { aws_s3_bucket: { b: {} }, aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: VAR } } } }, /versioning status is an expression/],
  ['S3-VERSIONING', 'versioning_configuration is absent', { aws_s3_bucket: { b: {} }, aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}' } } }, /versioning status is absent/],
  ['S3-LIFECYCLE', 'days_after_initiation is a token', { aws_s3_bucket: { b: {} }, aws_s3_bucket_lifecycle_configuration: { l: { bucket: '${aws_s3_bucket.b.id}', rule: [{ status: 'Enabled', abort_incomplete_multipart_upload: { days_after_initiation: VAR } }] } } }, /no enabled lifecycle rule with abort_incomplete_multipart_upload.days_after_initiation/],
  ['LAMBDA-TRACING', 'the mode is a token', { aws_lambda_function: { f: { tracing_config: { mode: VAR } } } }, /tracing_config.mode is an expression resolved only at plan .*; must be "Active"/],
  ['LAMBDA-CONCURRENCY', 'reserved concurrency of a database writer is a token', { aws_lambda_function: { f: { tags: { 'kit:database-writer': 'true' }, reserved_concurrent_executions: VAR } } }, /reserved_concurrent_executions is an expression .* on a database writer/],
  ['LAMBDA-VPC', 'vpc_config subnets are tokens (set)', { aws_lambda_function: { f: { tags: { 'kit:database-writer': 'true' }, vpc_config: [{ subnet_ids: VAR, security_group_ids: [VAR] }] } } }, 'passes'],
  ['KINESIS-ENCRYPT', 'encryption_type is a token', { aws_kinesis_stream: { s: { encryption_type: VAR, kms_key_id: 'k', retention_period: 24 } } }, /encryption_type is an expression/],
  ['NEPTUNE-BASELINE', 'storage_encrypted is a token', { aws_neptune_cluster: { c: { storage_encrypted: VAR } } }, /storage_encrypted is an expression resolved only at plan/],
  ['SFN-LOGGING', 'the level is a token', { aws_sfn_state_machine: { m: { logging_configuration: { log_destination: 'x', level: VAR } } } }, /logging_configuration.level is an expression/],
  ['IAM-TRUST', 'assume_role_policy is absent', { aws_iam_role: { r: { name: 'r' } } }, /assume_role_policy: the policy document is absent/],
  ['SG-NO-WORLD-INGRESS', 'the ingress CIDR is a token', { aws_vpc_security_group_ingress_rule: { r: { security_group_id: 'sg', cidr_ipv4: VAR, ip_protocol: 'tcp', from_port: 5432, to_port: 5432 } } }, /comes from CIDR \$\{var.unknown\}, not a security group/],
  ['SG-DESCRIBED', 'the group description is a token (set)', { aws_security_group: { g: { description: VAR } } }, 'passes'],
  ['SSM-SECURESTRING', 'the type of a secret parameter is a token', { aws_ssm_parameter: { p: { name: '/app/db-password', type: VAR } } }, /looks secret but type is an expression/],
  ['SSM-SECURESTRING', 'the name is a token (unknown: not judged by name)', { aws_ssm_parameter: { p: { name: VAR, type: 'String' } } }, 'passes'],
];

describe('tokens and absent attributes', () => {
  test.each(rows.map(withFlag))('%s: %s', (rule, _, resources, expected, production) => {
    if (expected === 'passes') expect(findingsOf(rule, resources, { production })).toEqual([]);
    else expect(messagesOf(rule, resources, { production })).toMatch(expected);
  });
});
