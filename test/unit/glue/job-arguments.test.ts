/**
 * The check behind every project's Glue-argument test (test/helpers/glue-arguments.ts): each project runs it over its
 * own stacks (stacks/etl-workflow, stacks/product-graph); here it is shown to fail on the mistakes it exists for.
 */
import { glueArgumentRuns, resolveAll } from '../../helpers/glue-arguments';

const job = (defaults: Record<string, string>) => ({
  resource: {
    aws_glue_job: {
      extract: { name: 'demo-staging-etl-extract', command: { script_location: 's3://demo-bucket/scripts/etl/extract.py' }, default_arguments: defaults },
    },
  },
});

describe('Glue job arguments resolve as awsglue resolves them', () => {
  test('the resolver rejects a hyphenated argument for an underscore name (it can fail)', () => {
    const got = resolveAll([
      { id: 'hyphen', options: ['JOB_NAME', 'run_id'], argv: ['s.py', '--JOB_NAME', 'j', '--run-id', 'exec-1'] },
      { id: 'underscore', options: ['JOB_NAME', 'run_id'], argv: ['s.py', '--JOB_NAME', 'j', '--run_id', 'exec-1'] },
    ]);
    expect(got.get('hyphen')).toMatchObject({ ok: false, error: expect.stringContaining('the following arguments are required: --run_id') });
    expect(got.get('underscore')).toMatchObject({ ok: true, resolved: expect.objectContaining({ run_id: 'exec-1', JOB_NAME: 'j' }) });
  });

  test('fails when a job sets an argument its script never reads, or leaves out one it asks for', () => {
    const [run] = glueArgumentRuns([{ name: 'demo-staging', out: job({ '--plan-uri': 's3://demo-bucket/plan.json', '--enable-metrics': 'true' }) }]);
    expect(run.id).toBe('demo-staging demo-staging-etl-extract (defaults)');
    expect(run.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^getResolvedOptions fails: .*required/), '--plan-uri is set but etl/extract.py never reads it']));
    expect(run.problems.join('\n')).not.toContain('--enable-metrics'); // a Glue job parameter, consumed by Glue itself
  });
});
