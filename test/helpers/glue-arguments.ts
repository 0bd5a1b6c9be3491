/**
 * Glue job arguments as awsglue resolves them: every Glue job a stack synthesizes, and every state-machine task that
 * starts one, resolved by a reproduction of getResolvedOptions (test/unit/glue/python/resolve_options.py: argparse,
 * each name a required `--<name>`, parse_known_args) against the names the job's script asks for; and the other way
 * round, every argument set is read by the script under exactly that name or is one of Glue's own job parameters
 * (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-glue-arguments.html).
 * getResolvedOptions: "The arguments use only underscores, not hyphens"
 * (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html).
 * Used by each project's own test (stacks/<project>/<project>.test.ts), so deleting a project deletes its checks.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GLUE_TEMPLATES_DIR } from '../../modules/glue-common';

type Json = Record<string, any>;

const RESOLVER = path.join(__dirname, '..', 'unit', 'glue', 'python', 'resolve_options.py');

/** Job parameters Glue itself consumes (the script never reads them with getResolvedOptions). */
export const GLUE_PARAMETERS = new Set([
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

export interface ResolveCase {
  id: string;
  options: string[];
  argv: string[];
}
export interface ResolveOutcome {
  id: string;
  ok: boolean;
  error: string | null;
  resolved: Record<string, string | null> | null;
}

export function resolveAll(cases: ResolveCase[]): Map<string, ResolveOutcome> {
  const run = spawnSync('python3', [RESOLVER], { input: JSON.stringify(cases), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.status !== 0) throw new Error(`resolve_options.py failed: ${run.stderr}`);
  return new Map((JSON.parse(run.stdout) as ResolveOutcome[]).map((o) => [o.id, o]));
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
function glueTasks(out: Json): Array<{ state: string; jobName: string; args: Record<string, string> }> {
  const tasks = [];
  for (const machine of Object.values<Json>(out.resource?.aws_sfn_state_machine ?? {})) {
    const states = JSON.parse(machine.definition).States as Record<string, Json>;
    for (const [state, def] of Object.entries(states)) {
      if (def.Type !== 'Task' || !/:states:::glue:startJobRun/.test(String(def.Resource))) continue;
      const args = Object.fromEntries(
        Object.entries<string>(def.Parameters.Arguments ?? {}).map(([k, v]) => (k.endsWith('.$') ? [k.slice(0, -2), 'exec-2026-12-01'] : [k, v])),
      );
      tasks.push({ state, jobName: def.Parameters.JobName as string, args });
    }
  }
  return tasks;
}

/** One way Glue would start a job: with its defaults, or with a state-machine task's arguments over them. */
export interface GlueRun {
  id: string;
  jobName: string;
  script: string;
  /** `default_arguments`, or `state <name> Arguments`. */
  source: string;
  /** What is wrong: names the script asks for that do not resolve to the value set, arguments the script never reads. */
  problems: string[];
}

/** Every Glue run of the given synthesized stacks, each with its problems (none when Glue would resolve it). */
export function glueArgumentRuns(stacks: Array<{ name: string; out: Json }>): GlueRun[] {
  const runs: Array<Omit<GlueRun, 'problems'> & { options: string[]; args: Record<string, string> }> = [];
  for (const { name, out } of stacks) {
    const jobs = Object.values<Json>(out.resource?.aws_glue_job ?? {});
    const byName = new Map(jobs.map((j) => [j.name as string, j]));
    for (const job of jobs) {
      const script = scriptPathOf(job);
      runs.push({ id: `${name} ${job.name} (defaults)`, jobName: job.name, script, options: scriptOptions(script), args: job.default_arguments, source: 'default_arguments' });
    }
    for (const task of glueTasks(out)) {
      const job = byName.get(task.jobName);
      if (!job) throw new Error(`${name}: state ${task.state} starts ${task.jobName}, which the stack does not define`);
      const script = scriptPathOf(job);
      runs.push({
        id: `${name} ${task.jobName} (state ${task.state})`,
        jobName: task.jobName,
        script,
        options: scriptOptions(script),
        args: { ...job.default_arguments, ...task.args },
        source: `state ${task.state} Arguments`,
      });
    }
  }
  const outcomes = resolveAll(runs.map((r) => ({ id: r.id, options: r.options, argv: argv(r.jobName, r.args) })));
  return runs.map(({ options, args, ...run }) => {
    const outcome = outcomes.get(run.id)!;
    const problems: string[] = [];
    if (outcome.error) problems.push(`getResolvedOptions fails: ${outcome.error}`);
    else {
      for (const name of options) {
        const expected = name === 'JOB_NAME' ? run.jobName : args[`--${name}`];
        if (outcome.resolved![name] !== expected) problems.push(`--${name} resolves to ${outcome.resolved![name]}, set to ${expected}`);
      }
    }
    const read = new Set(options.map((o) => `--${o}`));
    for (const k of Object.keys(args).filter((a) => !read.has(a) && !GLUE_PARAMETERS.has(a))) problems.push(`${k} is set but ${run.script} never reads it`);
    return { ...run, problems };
  });
}
