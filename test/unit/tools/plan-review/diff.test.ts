import { diffAttributes, diffStack, flatten } from '../../../../tools/plan-review/diff';
import { fixture } from './helpers';

describe('base/head diff', () => {
  const d = diffStack('shop-staging', fixture('base'), fixture('head'));

  test('counts added, changed and removed resources', () => {
    expect(d.status).toBe('changed');
    expect(d.added.map((r) => r.address)).toEqual(expect.arrayContaining(['aws_s3_bucket.landing', 'aws_cloudwatch_log_group.audit']));
    expect(d.removed.map((r) => r.address)).toContain('aws_s3_bucket.raw');
    expect(d.changed.map((c) => c.address).sort()).toEqual(['aws_db_instance.db', 'aws_iam_role_policy.loader_policy', 'aws_lambda_function.loader', 'aws_lambda_permission.loader_s3']);
  });

  test('flags the replacement of a stateful resource loudly, naming the attribute', () => {
    const db = d.changed.find((c) => c.address === 'aws_db_instance.db')!;
    expect(db.replacedBy).toEqual(['identifier']);
    expect(db.changes).toEqual(
      expect.arrayContaining([
        { path: 'identifier', before: '"shop-staging-db"', after: '"shop-staging-orders-db"' },
        { path: 'backup_retention_period', before: '7', after: '14' },
      ]),
    );
    expect(d.warnings).toContain(
      'REPLACEMENT of stateful aws_db_instance.db: changing identifier makes Terraform destroy it and create a new one (data is lost unless restored from a snapshot).',
    );
  });

  test('flags a stateful resource whose address changed as a move needing a moved block', () => {
    expect(d.warnings.find((w) => w.startsWith('MOVED'))).toMatch(/^MOVED stateful aws_s3_bucket.raw -> aws_s3_bucket.landing: .*Add a `moved` block/);
  });

  test('summarises asset hashes instead of dumping them', () => {
    const fn = d.changed.find((c) => c.address === 'aws_lambda_function.loader')!;
    expect(fn.changes).toEqual([
      { path: 'filename', summary: 'asset changed (Q1N0VN8C → ZR7KQ2M0)' },
      { path: 'source_code_hash', summary: 'asset changed (q1n0vN8c2Yf0 → Zr7kq2m0yJ1n)' },
      { path: 'tracing_config.mode', before: '"Active"', after: '"PassThrough"' },
    ]);
    expect(fn.replacedBy).toEqual([]);
  });

  test('compares policy documents statement by statement (an inserted statement does not shift the others)', () => {
    const policy = d.changed.find((c) => c.address === 'aws_iam_role_policy.loader_policy')!;
    expect(policy.changes.map((c) => c.path)).toEqual([
      'policy › Statement[Allow s3:GetObject,s3:GetObjectVersion].Resource',
      'policy › Statement[Allow s3:PutObject,s3:AbortMultipartUpload].Action',
      'policy › Statement[Allow s3:PutObject,s3:AbortMultipartUpload].Effect',
      'policy › Statement[Allow s3:PutObject,s3:AbortMultipartUpload].Resource',
    ]);
  });

  test('never prints secret values', () => {
    const changes = diffAttributes(
      { secret_string: '{"password":"old-secret"}', password: 'hunter2', name: 'a' },
      { secret_string: '{"password":"new-secret"}', name: 'b', master_password_wo: '${ephemeral.x.value}' },
    );
    expect(changes).toEqual([
      { path: 'master_password_wo', summary: 'sensitive value added' },
      { path: 'name', before: '"a"', after: '"b"' },
      { path: 'password', summary: 'sensitive value removed' },
      { path: 'secret_string › password', summary: 'sensitive value changed' },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/hunter2|old-secret|new-secret/);
  });

  test('a removed stateful resource without a twin is a removal; stacks on one side only are added/removed', () => {
    const base = { resource: { aws_kinesis_stream: { cdc: { name: 'cdc' } }, aws_sqs_queue: { q: { name: 'q' } } } };
    const head = { resource: { aws_sqs_queue: { q: { name: 'q' } } } };
    expect(diffStack('s', base, head).warnings).toEqual(['REMOVAL of stateful aws_kinesis_stream.cdc (cdc): Terraform destroys it.']);
    expect(diffStack('s', undefined, head).status).toBe('added');
    expect(diffStack('s', base, undefined)).toMatchObject({ status: 'removed', removed: expect.arrayContaining([expect.objectContaining({ address: 'aws_sqs_queue.q' })]) });
    expect(diffStack('s', head, head).status).toBe('unchanged');
  });

  test('flatten ignores metadata and depends_on and opens JSON strings', () => {
    const flat = flatten({ '//': { metadata: { path: 'x' } }, depends_on: ['a'], settings: '{"Logging":{"EnableLogging":true}}', tags: { a: '1' } });
    expect([...flat.entries()]).toEqual([
      ['settings › Logging.EnableLogging', 'true'],
      ['tags.a', '"1"'],
    ]);
  });
});

describe('stack settings', () => {
  const stack = (region: string, key: string, waivers: Record<string, string> = {}) => ({
    provider: { aws: [{ region }] },
    terraform: { backend: { s3: { bucket: 'state', key } } },
    locals: { policy_waivers: waivers },
    resource: { aws_sqs_queue: { q: { name: 'q' } } },
  });

  test('warns when the region or the state location changes', () => {
    const d = diffStack('s', stack('eu-west-2', 'a/terraform.tfstate'), stack('eu-west-1', 'b/terraform.tfstate'));
    expect(d.status).toBe('changed');
    expect(d.settings).toEqual([
      { path: 'backend.s3.key', before: '"a/terraform.tfstate"', after: '"b/terraform.tfstate"' },
      { path: 'provider.aws[0].region', before: '"eu-west-2"', after: '"eu-west-1"' },
    ]);
    expect(d.warnings).toEqual([
      'REGION CHANGE of the AWS provider: every regional resource of the stack is destroyed and created in the new region.',
      'STATE MOVE: the backend\'s key changed; run `terraform init -migrate-state` or Terraform starts from an empty state and tries to create everything again.',
    ]);
  });

  test('lists waivers added or changed', () => {
    const d = diffStack('s', stack('eu-west-2', 'k', { 'RDS-HA': 'old reason, long enough' }), stack('eu-west-2', 'k', { 'RDS-HA': 'new reason, long enough', 'S3-SSE': 'a reason long enough' }));
    expect(d.waiversAdded).toEqual(['RDS-HA', 'S3-SSE']);
    expect(d.warnings).toEqual([]);
  });
});
