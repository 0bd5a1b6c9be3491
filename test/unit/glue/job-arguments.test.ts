/**
 * Every Glue job the example projects synthesize (ETL extract/transform/load, Neptune export/direct/incremental) and
 * every state-machine task that starts one: the arguments Glue would pass are resolved by a reproduction of
 * awsglue's getResolvedOptions (test/unit/glue/python/resolve_options.py: argparse, each name a required
 * `--<name>`, parse_known_args), against the names the job's script asks for. And the other way round: every
 * argument the construct sets is either read by the script under exactly that name or is one of Glue's own job
 * parameters (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html).
 * getResolvedOptions: "The arguments use only underscores, not hyphens"
 * (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from '../../../modules/core';
import { GLUE_TEMPLATES_DIR } from '../../../modules/glue-common';
import { register as registerEtlWorkflow } from '../../../stacks/etl-workflow';
import { register as registerProductGraph } from '../../../stacks/product-graph';

type Json = Record<string, any>;

const RESOLVER = path.join(__dirname, 'python', 'resolve_options.py');

/** Job parameters Glue itself consumes (the script never reads them with getResolvedOptions). */
const GLUE_PARAMETERS = new Set([
  '--job-language',
  '--enable-metrics',
  '--enable-observability-metrics',
  '--job-bookmark-option',
  '--extra-py-files',
  '--additional-python-modules',
  '--python-modules-installer-option',
  '--custom-logGroup-prefix',
  '--enable-continuous-cloudwatch-log',
  '--continuous-log-logGroup',
]);

interface Case {
  id: string;
  options: string[];
  argv: string[];
}
interface Outcome {
  id: string;
  ok: boolean;
  error: string | null;
  resolved: Record<string, string | null> | null;
}

function resolveAll(cases: Case[]): Map<string, Outcome> {
  const run = spawnSync('python3', [RESOLVER], { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(`resolve_options.py failed: ${run.stderr}`);
  return new Map((JSON.parse(run.stdout) as Outcome[]).map((o) => [o.id, o]));
}

/** The names a script passes to getResolvedOptions (JOB_NAME included). */
function scriptOptions(scriptPath: string): string[] {
  const text = fs.readFileSync(path.join(GLUE_TEMPLATES_DIR, scriptPath), 'utf8');
  const match = /getResolvedOptions\(\s*sys\.argv,\s*\[([^\]]*)\]/s.exec(text);
  if (!match) throw new Error(`${scriptPath} does not call getResolvedOptions(sys.argv, [...])`);
  return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** `s3://bucket/scripts/etl/extract.py` -> `etl/extract.py` */
function scriptPathOf(job: Json): string {
  const m = /\/scripts\/(.+\.py)$/.exec(job.command.script_location);
  if (!m) throw new Error(`unexpected script location ${job.command.script_location}`);
  return m[1];
}

function argv(jobName: string, args: Record<string, string>): string[] {
  return ['script.py', '--JOB_NAME', jobName, '--JOB_ID', 'j_0123', '--JOB_RUN_ID', 'jr_0123', ...Object.entries(args).flat()];
}

/** Glue tasks of every state machine: `{ JobName, Arguments }` with `.$` keys resolved to a sample value. */
function glueTasks(out: Json): Array<{ machine: string; state: string; jobName: string; args: Record<string, string> }> {
  const tasks = [];
  for (const [machineKey, machine] of Object.entries<Json>(out.resource?.aws_sfn_state_machine ?? {})) {
    const states = JSON.parse(machine.definition).States as Record<string, Json>;
    for (const [state, def] of Object.entries(states)) {
      if (def.Type !== 'Task' || !/:states:::glue:startJobRun/.test(String(def.Resource))) continue;
      const args = Object.fromEntries(
        Object.entries<string>(def.Parameters.Arguments ?? {}).map(([k, v]) => (k.endsWith('.$') ? [k.slice(0, -2), 'exec-2026-12-01'] : [k, v])),
      );
      tasks.push({ machine: machineKey, state, jobName: def.Parameters.JobName as string, args });
    }
  }
  return tasks;
}

const stacks = [...registerEtlWorkflow(Testing.app()), ...registerProductGraph(Testing.app())].map((s) => ({
  name: s.node.id,
  out: JSON.parse(Testing.synth(s)) as Json,
}));

interface Run {
  id: string;
  stack: string;
  jobName: string;
  script: string;
  options: string[];
  args: Record<string, string>;
  /** Where the arguments come from: the job's defaults, or defaults overridden by a state-machine task. */
  source: string;
}

const runs: Run[] = [];
for (const { name, out } of stacks) {
  const jobs = Object.values<Json>(out.resource?.aws_glue_job ?? {});
  const byName = new Map(jobs.map((j) => [j.name as string, j]));
  for (const job of jobs) {
    const script = scriptPathOf(job);
    runs.push({ id: `${name} ${job.name} (defaults)`, stack: name, jobName: job.name, script, options: scriptOptions(script), args: job.default_arguments, source: 'default_arguments' });
  }
  for (const task of glueTasks(out)) {
    const job = byName.get(task.jobName);
    if (!job) throw new Error(`${name}: state ${task.state} starts ${task.jobName}, which the stack does not define`);
    const script = scriptPathOf(job);
    runs.push({
      id: `${name} ${task.jobName} (state ${task.state})`,
      stack: name,
      jobName: task.jobName,
      script,
      options: scriptOptions(script),
      args: { ...job.default_arguments, ...task.args },
      source: `state ${task.state} Arguments`,
    });
  }
}
const outcomes = resolveAll(runs.map((r) => ({ id: r.id, options: r.options, argv: argv(r.jobName, r.args) })));

describe('Glue job arguments resolve as awsglue resolves them', () => {
  test('the resolver rejects a hyphenated argument for an underscore name (it can fail)', () => {
    const got = resolveAll([
      { id: 'hyphen', options: ['JOB_NAME', 'run_id'], argv: ['s.py', '--JOB_NAME', 'j', '--run-id', 'exec-1'] },
      { id: 'underscore', options: ['JOB_NAME', 'run_id'], argv: ['s.py', '--JOB_NAME', 'j', '--run_id', 'exec-1'] },
    ]);
    expect(got.get('hyphen')).toMatchObject({ ok: false, error: expect.stringContaining('the following arguments are required: --run_id') });
    expect(got.get('underscore')).toMatchObject({ ok: true, resolved: expect.objectContaining({ run_id: 'exec-1', JOB_NAME: 'j' }) });
  });

  test('the example projects define every kind of Glue job and state-machine task', () => {
    const scripts = new Set(runs.map((r) => r.script));
    expect([...scripts].sort()).toEqual(['etl/extract.py', 'etl/load.py', 'etl/transform.py', 'neptune/direct.py', 'neptune/export.py', 'neptune/incremental.py']);
    expect(runs.filter((r) => r.source.startsWith('state')).map((r) => r.script).sort()).toEqual(
      expect.arrayContaining(['etl/extract.py', 'etl/load.py', 'etl/transform.py', 'neptune/export.py']),
    );
  });

  test.each(runs.map((r) => [r.id, r] as const))('%s: every name the script asks for resolves to the value set', (_id, run) => {
    const outcome = outcomes.get(run.id)!;
    expect(outcome.error).toBeNull();
    for (const name of run.options) {
      const expected = name === 'JOB_NAME' ? run.jobName : run.args[`--${name}`];
      expect([name, outcome.resolved![name]]).toEqual([name, expected]);
    }
  });

  test.each(runs.map((r) => [r.id, r] as const))('%s: every argument set is read by the script under that exact name, or is a Glue parameter', (_id, run) => {
    const read = new Set(run.options.map((o) => `--${o}`));
    const unread = Object.keys(run.args).filter((k) => !read.has(k) && !GLUE_PARAMETERS.has(k));
    expect(unread).toEqual([]);
  });
});
