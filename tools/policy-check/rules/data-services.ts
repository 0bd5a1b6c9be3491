import { all, found, mustBe, mustBeAtLeast, mustBeOneOf, mustBeSet, Rule, violation } from '../rule';
import { block, blocks, literalNumber, literalString } from '../tf';

export const dataServiceRules: Rule[] = [
  {
    id: 'KINESIS-ENCRYPT',
    summary: 'encryption_type = KMS; retention >= 24 h',
    types: ['aws_kinesis_stream'],
    check: (s) =>
      all(
        mustBeOneOf(s.attrs, 'encryption_type', ['KMS'], 'set encryption_type = "KMS" and kms_key_id'),
        literalString(s.attrs.encryption_type) === 'KMS' ? mustBeSet(s.attrs, 'kms_key_id', 'set kms_key_id (a CMK, or "alias/aws/kinesis")') : undefined,
        mustBeAtLeast(s.attrs, 'retention_period', 24, 'set retention_period (hours) to 24 or more'),
      ),
  },
  {
    id: 'NEPTUNE-BASELINE',
    summary: 'encrypted; IAM auth; backups >= 7; audit log export; bulk-load role in iam_roles; (prod) deletion protection',
    types: ['aws_neptune_cluster'],
    check: (c, { stack, production }) => {
      const exports = c.attrs.enable_cloudwatch_logs_exports;
      const group = stack.target(c.attrs.neptune_cluster_parameter_group_name, 'aws_neptune_cluster_parameter_group');
      const auditParam = group ? blocks(group.attrs.parameter).find((p) => p.name === 'neptune_enable_audit_log')?.value : undefined;
      return all(
        mustBe(c.attrs, 'storage_encrypted', true, 'set storage_encrypted = true with kms_key_arn'),
        mustBe(c.attrs, 'iam_database_authentication_enabled', true, 'set iam_database_authentication_enabled = true (requests are SigV4-signed)'),
        mustBeAtLeast(c.attrs, 'backup_retention_period', 7, 'set backup_retention_period to 7 days or more'),
        Array.isArray(exports) && exports.includes('audit')
          ? undefined
          : violation(`enable_cloudwatch_logs_exports is ${found(exports)}`, 'set enable_cloudwatch_logs_exports = ["audit"]'),
        Array.isArray(exports) && exports.includes('audit') && String(auditParam) !== '1'
          ? violation(
              `audit logs are exported but ${group ? `${group.address} has neptune_enable_audit_log = ${found(auditParam)}` : 'no created cluster parameter group is attached'}`,
              'attach an aws_neptune_cluster_parameter_group with neptune_enable_audit_log = 1 (else nothing is exported)',
            )
          : undefined,
        mustBeSet(c.attrs, 'iam_roles', 'add the bulk-load role (S3 read) to iam_roles'),
        production ? mustBe(c.attrs, 'deletion_protection', true, 'set deletion_protection = true in production') : undefined,
        production && (c.attrs.skip_final_snapshot === true || c.attrs.skip_final_snapshot === 'true')
          ? violation('skip_final_snapshot is true in production', 'set skip_final_snapshot = false with a final_snapshot_identifier')
          : undefined,
      );
    },
  },
  {
    id: 'GLUE-SECURITY-CONFIG',
    summary: 'security_configuration set (S3, CloudWatch, bookmark encryption)',
    types: ['aws_glue_job', 'aws_glue_crawler'],
    check: (j, { stack }) => {
      const missing = mustBeSet(j.attrs, 'security_configuration', 'create an aws_glue_security_configuration (S3 SSE-KMS, CloudWatch SSE-KMS, bookmarks CSE-KMS) and set security_configuration');
      if (missing) return [missing];
      const config = stack.target(j.attrs.security_configuration, 'aws_glue_security_configuration');
      if (!config) return [];
      const enc = block(config.attrs.encryption_configuration) ?? {};
      const modes: Array<[string, unknown]> = [
        ['s3_encryption.s3_encryption_mode', block(enc.s3_encryption)?.s3_encryption_mode],
        ['cloudwatch_encryption.cloudwatch_encryption_mode', block(enc.cloudwatch_encryption)?.cloudwatch_encryption_mode],
        ['job_bookmarks_encryption.job_bookmarks_encryption_mode', block(enc.job_bookmarks_encryption)?.job_bookmarks_encryption_mode],
      ];
      return modes
        .filter(([, mode]) => mode === undefined || mode === 'DISABLED')
        .map(([name, mode]) => violation(`${config.address} has ${name} = ${found(mode)}`, `enable ${name.split('.')[0]} with a KMS key`));
    },
  },
  {
    id: 'GLUE-CONNECTION-TLS',
    summary: 'JDBC: JDBC_ENFORCE_SSL = "true" and SECRET_ID, never PASSWORD',
    types: ['aws_glue_connection'],
    check: (c) => {
      // connection_type defaults to JDBC.
      if ((literalString(c.attrs.connection_type) ?? 'JDBC') !== 'JDBC') return [];
      const props = block(c.attrs.connection_properties) ?? {};
      return all(
        'PASSWORD' in props ? violation('connection_properties.PASSWORD is set; it lands in Terraform state', 'remove PASSWORD; set SECRET_ID to a Secrets Manager secret') : undefined,
        props.JDBC_ENFORCE_SSL === 'true' ? undefined : violation(`connection_properties.JDBC_ENFORCE_SSL is ${found(props.JDBC_ENFORCE_SSL)}`, 'set JDBC_ENFORCE_SSL = "true"'),
        mustBeSet(props, 'SECRET_ID', 'set SECRET_ID to the secret holding the JDBC credentials', 'connection_properties.SECRET_ID'),
      );
    },
  },
  {
    id: 'SFN-LOGGING',
    summary: 'logging_configuration to a log group, level ERROR or ALL',
    types: ['aws_sfn_state_machine'],
    check: (m) => {
      const log = block(m.attrs.logging_configuration) ?? {};
      return all(
        mustBeSet(log, 'log_destination', 'set logging_configuration.log_destination = "<log group arn>:*"', 'logging_configuration.log_destination'),
        mustBeOneOf(log, 'level', ['ERROR', 'ALL'], 'set logging_configuration.level = "ERROR" (or "ALL")', 'logging_configuration.level'),
      );
    },
  },
  {
    id: 'LOGGROUP-RETENTION',
    summary: 'retention_in_days set',
    types: ['aws_cloudwatch_log_group'],
    check: (g) => {
      const days = literalNumber(g.attrs.retention_in_days);
      return days !== undefined && days > 0 ? [] : [violation(`retention_in_days is ${found(g.attrs.retention_in_days)} (logs kept forever)`, 'set retention_in_days (30 in staging, 365 in production)')];
    },
  },
];
