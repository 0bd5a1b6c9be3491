/**
 * checkov checks this project does not apply, with the reason for each: everywhere, or narrowed to stacks or
 * resources (globs, `*` = any run of characters). `npm run verify` reports every skipped finding in its counts,
 * fails on a finding no skip covers, and fails on a skip that no longer matches anything (delete it).
 * A fork edits this list like code: a new skip needs a reason a reviewer can check.
 */
import type { CheckovSkip } from './skips';

const STAGING = ['*-staging'];

export const CHECKOV_SKIPS: readonly CheckovSkip[] = [
  // Logging
  {
    check: 'CKV_AWS_158',
    reason:
      'CloudWatch Logs encrypts every log group at rest by default (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html). ' +
      "The kit's loggers write counts, ids and errors, never row data or secrets (lambdas/shared/logger), so a CMK per log group adds key-policy coupling without protecting data. Glue jobs, whose Spark logs can hold more, write them with the Glue CMK through the security configuration (cloudwatch_encryption SSE-KMS).",
  },
  {
    check: 'CKV_AWS_338',
    stacks: STAGING,
    reason: 'Staging keeps logs 30 days by design (policy rule LOGGROUP-RETENTION: 30 in staging, 365 in production); every production log group keeps 365 days and passes.',
  },
  {
    check: 'CKV_AWS_285',
    resources: ['aws_sfn_state_machine.*etl_state-machine_*'],
    reason:
      'The ETL state machine logs errors without execution data on purpose: a failed Glue job state carries the job error, which can quote row values (a constraint violation names the key), and the kit keeps row data out of logs.',
  },
  // KMS
  {
    check: 'CKV2_AWS_64',
    reason:
      "The kit's keys use the default key policy, which lets this account's IAM decide (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html): every use is granted by an IAM policy the policy check reviews, scoped to the key's ARN. Keys a service principal must use (Glue logs, SNS publishers) or another account writes with (the S3 pipeline's landing key when it has partner writers) get an explicit policy, which this check then finds.",
  },
  // Lambda
  {
    check: 'CKV_AWS_272',
    reason:
      "Lambda code is bundled at synth into deterministic zips whose SHA-256 is in the plan (source_code_hash), so a reviewer sees every code change. Code signing needs an AWS Signer profile owned by the account's platform team; a fork that has one adds code_signing_config_arn in modules/core/lambda.ts.",
  },
  {
    check: 'CKV_AWS_173',
    reason:
      'No secret is ever in a Lambda environment variable: NodejsLambda refuses secret-looking names and values at synth, and functions read credentials from Secrets Manager at run time. The variables (ARNs, host names, table config) are encrypted at rest with the AWS-managed key.',
  },
  {
    check: 'CKV_AWS_116',
    reason:
      'dead_letter_config applies to asynchronous invocations only. The S3 loader and the DMS runner (asynchronous) send failed events to SQS through aws_lambda_function_event_invoke_config on-failure destinations, which checkov does not read; the stream consumer has an on-failure destination on its event source mapping; bootstrap, schema setup, rotation and the Neptune loader are invoked synchronously (Terraform, Secrets Manager, Step Functions) and their callers see the error.',
  },
  {
    check: 'CKV_AWS_117',
    resources: ['aws_lambda_function.*schedule_runner_function_*', 'aws_lambda_function.*_resumer_function_*'],
    reason: 'The DMS task runner (scheduled full load, and the resume of a CDC task after an apply) calls only the DMS API; it reaches no database or private endpoint, so a VPC would add ENIs and endpoints for no data path.',
  },
  // DMS
  {
    check: 'CKV_AWS_296',
    reason:
      "Database endpoints hold no credentials: every one reads its login from a Secrets Manager secret encrypted with a CMK (policy rule DMS-SECRETS). The rest of the connection settings are encrypted with aws/dms. ModifyEndpoint takes no KmsKeyId (https://docs.aws.amazon.com/dms/latest/APIReference/API_ModifyEndpoint.html), so adding one replaces the endpoint and every task using it (a full reload). Kafka endpoints, whose settings do hold a SASL or client-key password, get a CMK (KafkaTargetEndpoint) and pass this check.",
  },
  {
    check: 'CKV_AWS_298',
    reason:
      'The S3 target writes objects with SSE-KMS under the bucket CMK (server_side_encryption_kms_key_id) and the S3 source reads a CMK-encrypted bucket; kms_key_arn only encrypts the endpoint settings (bucket name, role ARN), and ModifyEndpoint cannot change it without replacing the endpoint and its tasks.',
  },
  // S3
  {
    check: 'CKV_AWS_18',
    reason:
      "Server access logs need a separate SSE-S3 bucket per stack (S3 cannot deliver them to SSE-KMS buckets); object-level access to the kit's buckets is expected to be recorded by the organization's CloudTrail data events. Every bucket is private, TLS-only and CMK-encrypted (S3-* policy rules).",
  },
  {
    check: 'CKV_AWS_144',
    reason:
      'Migration buckets hold staging copies (landing files, exports, Glue intermediates, a lake fed by DMS) that can be produced again from the source; cross-region replication would double storage and KMS cost for data with a short life. Versioning and lifecycle rules are on.',
  },
  {
    check: 'CKV2_AWS_62',
    reason: 'Event notifications are configured where something consumes them (the S3 -> Postgres landing bucket, which passes); the export, lake and Glue buckets have no consumer of object events.',
  },
  // Databases (staging presets; production passes)
  ...(['CKV_AWS_118', 'CKV_AWS_157', 'CKV_AWS_293', 'CKV_AWS_139', 'CKV2_AWS_58'] as const).map((check) => ({
    check,
    stacks: STAGING,
    reason:
      'The staging preset is single-AZ, without deletion protection or enhanced monitoring, to keep a throwaway environment cheap (policy rules RDS-HA and RDS-DELETE-PROTECT apply to production only); production stacks pass this check.',
  })),
  {
    check: 'CKV2_AWS_8',
    reason:
      'RDS automated backups with point-in-time restore are the kit’s backup (14 days in production, policy rule RDS-BACKUP). AWS Backup plans are an organization-level choice that a landing zone usually applies by tag.',
  },
  // Secrets, networking, scheduling
  {
    check: 'CKV2_AWS_57',
    resources: ['aws_secretsmanager_secret.*source_login_secret_*'],
    reason: "The source database login lives on the source (on-premises SQL Server or Oracle) and is rotated by its DBA team; DMS reads the current value from this secret. Same waiver as the policy check's SECRETS-ROTATION.",
  },
  {
    check: 'CKV2_AWS_5',
    resources: ['aws_security_group.*etl_sg_*', 'aws_security_group.*glue-sg_*'],
    reason: "Glue security groups are attached through aws_glue_connection's physical_connection_requirements.security_group_id_list, which checkov's graph does not follow.",
  },
  {
    check: 'CKV_AWS_297',
    reason: 'Schedule inputs carry only task ARNs and run settings, no data; EventBridge Scheduler encrypts them with an AWS-owned key.',
  },
];
