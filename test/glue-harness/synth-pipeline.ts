/**
 * Synthesizes a real GlueEtlPipeline for the local Glue harness and prints what the harness needs to run its jobs the
 * way Glue would: the plan object's content (as uploaded to S3 by Terraform) and each job's script and
 * DefaultArguments (Terraform references such as the bucket name left as `${...}` for the harness to fill in).
 *
 * Input (stdin, JSON): { tables, source: {host, port, databaseName, secretArn}, target: {...}, createTargetTables?, pageSize?,
 *   loadBatchSize?, loadParallelism?, postLoadSql? }. Output (stdout, JSON): { plan, jobs: { extract|transform|load: { script, arguments } } }.
 * Usage: tsx test/glue-harness/synth-pipeline.ts < input.json
 */
import * as fs from 'node:fs';
import { Connections, MigrationStack, Testing } from '../../modules/core';
import { GlueEtlPipeline, TableMapping } from '../../modules/glue-etl-pipeline';

type Json = Record<string, any>;

interface Endpoint {
  host: string;
  port: number;
  databaseName: string;
  secretArn: string;
}
interface Input {
  tables: TableMapping[];
  source: Endpoint;
  target: Endpoint;
  createTargetTables?: boolean;
  pageSize?: number;
  loadBatchSize?: number;
  loadParallelism?: number;
  postLoadSql?: string[];
}

const input = JSON.parse(fs.readFileSync(0, 'utf8')) as Input;
const stack = new MigrationStack(Testing.app(), 'glue-harness', { project: 'harness', environment: 'local', production: false, region: 'us-east-1' });
new GlueEtlPipeline(stack, 'etl', {
  network: { vpcId: 'vpc-local', privateSubnets: [{ id: 'subnet-a', availabilityZone: 'us-east-1a' }, { id: 'subnet-b', availabilityZone: 'us-east-1b' }] },
  source: { engine: 'mysql', ...input.source, securityGroupId: 'sg-source' },
  target: {
    engine: 'postgresql',
    ...input.target,
    database: { connections: new Connections(stack, { securityGroupId: 'sg-target', defaultPort: input.target.port, description: 'target' }) },
  },
  tables: input.tables,
  createTargetTables: input.createTargetTables,
  pageSize: input.pageSize,
  loadBatchSize: input.loadBatchSize,
  loadParallelism: input.loadParallelism,
  postLoadSql: input.postLoadSql,
});
const out: Json = JSON.parse(Testing.synth(stack));
const jobs: Json = {};
for (const job of Object.values(out.resource.aws_glue_job as Json)) {
  const kind = /-(extract|transform|load)$/.exec(job.name)?.[1];
  if (kind) jobs[kind] = { name: job.name, script: job.command.script_location, arguments: job.default_arguments };
}
const planObject = Object.values(out.resource.aws_s3_object as Json).find((o) => o.content !== undefined && o.key === 'plans/etl-plan.json');
if (!planObject) throw new Error('the synthesized stack has no plans/etl-plan.json object');
process.stdout.write(JSON.stringify({ plan: JSON.parse(planObject.content), planKey: planObject.key, jobs }, null, 2));
