/**
 * `npm run verify:compare`: which of the project's policy rules and which checkov checks notice the same defects.
 * Plants one defect at a time in a copy of a synthesized stack (ledger-replica-production by default: it has
 * RDS, DMS, Kinesis, Lambda, S3, KMS, IAM and a VPC), runs the policy check and checkov on every copy, and prints
 * what each reports beyond what it reports on the unchanged stack. The table in tools/policy-check/README.md is this
 * script's output. Needs `npm run synth` and `npm run toolchain`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkStack } from '../policy-check/engine';
import { Json, loadStacks, SynthStack, TfJson } from '../policy-check/tf';
import { runCheckov } from './runners';
import { readToolchain } from './toolchain';

type Attrs = Record<string, Json>;
type Mutation = { name: string; plant: (json: TfJson) => void };

function each(json: TfJson, type: string): Attrs[] {
  return Object.values((json.resource?.[type] ?? {}) as Record<string, Attrs>);
}
function first(json: TfJson, type: string): Attrs {
  const all = each(json, type);
  if (!all.length) throw new Error(`the stack has no ${type} to plant a defect in`);
  return all[0];
}
function settings(task: Attrs): Attrs {
  return JSON.parse(String(task.replication_task_settings)) as Attrs;
}
function setSettings(task: Attrs, change: (s: Attrs) => void): void {
  const s = settings(task);
  change(s);
  task.replication_task_settings = JSON.stringify(s);
}
function rolePolicies(json: TfJson): Attrs[] {
  return each(json, 'aws_iam_role_policy');
}

/** Turns the first security-group-referencing ingress rule (the database's) into one from a CIDR. */
function ingressFrom(json: TfJson, cidr: string): void {
  const rule = each(json, 'aws_vpc_security_group_ingress_rule').find((r) => r.referenced_security_group_id);
  if (!rule) throw new Error('no ingress rule by security-group reference to plant a CIDR in');
  delete rule.referenced_security_group_id;
  rule.cidr_ipv4 = cidr;
}

const MUTATIONS: Mutation[] = [
  { name: 'RDS cluster storage unencrypted', plant: (j) => void (first(j, 'aws_rds_cluster').storage_encrypted = false) },
  { name: 'RDS cluster backups 1 day', plant: (j) => void (first(j, 'aws_rds_cluster').backup_retention_period = 1) },
  { name: 'RDS cluster without IAM auth', plant: (j) => void (first(j, 'aws_rds_cluster').iam_database_authentication_enabled = false) },
  { name: 'RDS cluster: no log exports', plant: (j) => void delete first(j, 'aws_rds_cluster').enabled_cloudwatch_logs_exports },
  { name: 'RDS cluster: rds.force_ssl = 0', plant: (j) => each(j, 'aws_rds_cluster_parameter_group').forEach((g) => (g.parameter as Attrs[]).forEach((p) => p.name === 'rds.force_ssl' && (p.value = '0'))) },
  { name: 'RDS cluster instance public', plant: (j) => void (first(j, 'aws_rds_cluster_instance').publicly_accessible = true) },
  { name: 'DMS instance public', plant: (j) => void (first(j, 'aws_dms_replication_instance').publicly_accessible = true) },
  { name: 'DMS instance single-AZ (production)', plant: (j) => void (first(j, 'aws_dms_replication_instance').multi_az = false) },
  { name: 'DMS endpoint ssl_mode none', plant: (j) => each(j, 'aws_dms_endpoint').filter((e) => e.engine_name !== 'kinesis').forEach((e) => (e.ssl_mode = 'none')) },
  { name: 'DMS task logging off', plant: (j) => each(j, 'aws_dms_replication_task').forEach((t) => setSettings(t, (s) => ((s.Logging as Attrs).EnableLogging = false))) },
  { name: 'DMS task DROP_AND_CREATE', plant: (j) => each(j, 'aws_dms_replication_task').forEach((t) => setSettings(t, (s) => ((s.FullLoadSettings as Attrs).TargetTablePrepMode = 'DROP_AND_CREATE'))) },
  { name: 'Kinesis stream unencrypted', plant: (j) => void (first(j, 'aws_kinesis_stream').encryption_type = 'NONE') },
  { name: 'Lambda runtime nodejs18.x', plant: (j) => void (first(j, 'aws_lambda_function').runtime = 'nodejs18.x') },
  { name: 'Lambda tracing off', plant: (j) => each(j, 'aws_lambda_function').forEach((f) => delete f.tracing_config) },
  { name: 'Lambda password in environment', plant: (j) => void (((first(j, 'aws_lambda_function').environment as Attrs).variables as Attrs).DB_PASSWORD = 'hunter2hunter2') },
  { name: 'Kinesis consumer: no on-failure destination', plant: (j) => void delete first(j, 'aws_lambda_event_source_mapping').destination_config },
  { name: 'S3 bucket: no TLS-only policy', plant: (j) => void delete j.resource!.aws_s3_bucket_policy },
  { name: 'S3 bucket: versioning suspended', plant: (j) => each(j, 'aws_s3_bucket_versioning').forEach((v) => ((v.versioning_configuration as Attrs).status = 'Suspended')) },
  { name: 'S3 bucket: public access block off', plant: (j) => each(j, 'aws_s3_bucket_public_access_block').forEach((b) => (b.block_public_acls = false)) },
  { name: 'KMS key rotation off', plant: (j) => each(j, 'aws_kms_key').forEach((k) => (k.enable_key_rotation = false)) },
  { name: 'Log group without retention', plant: (j) => each(j, 'aws_cloudwatch_log_group').forEach((g) => delete g.retention_in_days) },
  { name: 'IAM policy Action "*" on "*"', plant: (j) => void (rolePolicies(j)[0].policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })) },
  { name: 'IAM policy s3:* on one bucket', plant: (j) => void (rolePolicies(j)[0].policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }] })) },
  { name: 'IAM trust without aws:SourceAccount', plant: (j) => each(j, 'aws_iam_role').forEach((r) => { const t = JSON.parse(String(r.assume_role_policy)); for (const s of t.Statement) delete s.Condition; r.assume_role_policy = JSON.stringify(t); }) },
  { name: 'SG ingress 0.0.0.0/0 on 5432', plant: (j) => ingressFrom(j, '0.0.0.0/0') },
  { name: 'SG ingress from VPC CIDR', plant: (j) => ingressFrom(j, '10.0.0.0/16') },
  { name: 'Default security group not adopted', plant: (j) => void delete j.resource!.aws_default_security_group },
  { name: 'Secret without rotation', plant: (j) => void delete j.resource!.aws_secretsmanager_secret_rotation },
  { name: 'Secret without CMK', plant: (j) => each(j, 'aws_secretsmanager_secret').forEach((s) => delete s.kms_key_id) },
];

function main(): number {
  const stackName = process.argv[2] ?? 'ledger-replica-production';
  const stack = loadStacks(process.env.CDKTF_OUTDIR ?? 'cdktf.out').find((s) => s.name === stackName);
  if (!stack) {
    process.stderr.write(`verify:compare: no synthesized stack ${stackName}; run npm run synth first\n`);
    return 2;
  }
  const toolchain = readToolchain();
  const workDir = path.resolve('.build', 'verify-compare');
  fs.rmSync(workDir, { recursive: true, force: true });
  const copies: SynthStack[] = [{ ...stack, name: 'baseline' }];
  for (const [i, m] of MUTATIONS.entries()) {
    const json = JSON.parse(JSON.stringify(stack.json)) as TfJson;
    m.plant(json);
    copies.push({ name: `m${i}`, file: stack.file, json });
  }
  const checkov = runCheckov(copies, toolchain, workDir);
  const checkovOf = (name: string) => new Set(checkov.findings.filter((f) => f.stack === name).map((f) => f.checkId));
  // The policy check judges production by the stack name: keep the original name for every copy.
  const policyOf = (copy: SynthStack) => new Set(checkStack(stack.name, copy.json).findings.filter((f) => !f.waived).map((f) => f.rule));
  const baseCheckov = checkovOf('baseline');
  const basePolicy = policyOf(copies[0]);
  const rows = ['| defect planted | project rule | checkov |', '|---|---|---|'];
  for (const [i, m] of MUTATIONS.entries()) {
    const copy = copies[i + 1];
    const policy = [...policyOf(copy)].filter((r) => !basePolicy.has(r)).sort();
    const ck = [...checkovOf(copy.name)].filter((c) => !baseCheckov.has(c)).sort();
    rows.push(`| ${m.name} | ${policy.join(', ') || '**none**'} | ${ck.join(', ') || '**none**'} |`);
  }
  process.stdout.write(`${rows.join('\n')}\n\nbaseline ${stackName}: policy ${basePolicy.size} unwaived rule(s), checkov ${baseCheckov.size} failing check id(s) (skips not applied here).\n`);
  return 0;
}

process.exitCode = main();
