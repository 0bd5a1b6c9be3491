/**
 * Synthesizes a real NeptuneGraphMigration (bulk export, direct and incremental jobs) for the local Glue harness and
 * prints what the harness needs to run its jobs the way Glue would: each job's script and DefaultArguments (Terraform
 * references such as the bucket name or the Neptune endpoint left as `${...}` for the harness to fill in), the JDBC
 * connection the crawler and the jobs use, and the crawler's catalog database, path and table prefix.
 *
 * Input (stdin, JSON): { mapping (a GraphMapping, uncompiled), source: {host, port, databaseName, secretArn},
 *   lookbackSeconds?, batchSize? }.
 * Output (stdout, JSON): { jobs: { export|direct|incremental: { name, script, arguments } }, connection: { name,
 *   properties }, crawler: { database, path, tablePrefix } }.
 * Usage: tsx test/glue-harness/synth-graph.ts < input.json
 */
import * as fs from 'node:fs';
import { MigrationStack, Testing } from '../../modules/core';
import { GraphMapping, NeptuneGraphMigration } from '../../modules/neptune-graph-migration';

type Json = Record<string, any>;

interface Input {
  mapping: GraphMapping;
  source: { host: string; port: number; databaseName: string; secretArn: string };
  lookbackSeconds?: number;
  batchSize?: number;
}

const input = JSON.parse(fs.readFileSync(0, 'utf8')) as Input;
const stack = new MigrationStack(Testing.app(), 'glue-harness-graph', { project: 'harness', environment: 'local', production: false, region: 'us-east-1' });
const migration = new NeptuneGraphMigration(stack, 'graph', {
  network: {
    vpcId: 'vpc-local',
    privateSubnets: [
      { id: 'subnet-a', availabilityZone: 'us-east-1a' },
      { id: 'subnet-b', availabilityZone: 'us-east-1b' },
    ],
    privateRouteTableIds: ['rtb-local'],
  },
  mapping: input.mapping,
  source: { ...input.source, securityGroupId: 'sg-source' },
  directWrite: { batchSize: input.batchSize },
  incremental: { schedule: 'cron(0/15 * * * ? *)', batchSize: input.batchSize, lookbackSeconds: input.lookbackSeconds },
});
const out: Json = JSON.parse(Testing.synth(stack));
const jobs: Json = {};
for (const job of Object.values(out.resource.aws_glue_job as Json)) {
  const kind = /-(export|direct|incremental)$/.exec(job.name)?.[1];
  if (kind) jobs[kind] = { name: job.name, script: job.command.script_location, arguments: job.default_arguments, connections: job.connections };
}
const jdbc = Object.values(out.resource.aws_glue_connection as Json).find((c) => c.connection_type === 'JDBC');
const crawler = Object.values(out.resource.aws_glue_crawler as Json)[0];
if (!jdbc || !crawler) throw new Error('the synthesized stack has no JDBC connection or crawler');
process.stdout.write(
  JSON.stringify(
    {
      jobs,
      connection: { name: jdbc.name, properties: jdbc.connection_properties },
      crawler: { database: migration.catalog.databaseName, path: crawler.jdbc_target[0].path, connectionName: crawler.jdbc_target[0].connection_name, tablePrefix: jobs.export.arguments['--catalog_table_prefix'] },
    },
    null,
    2,
  ),
);
