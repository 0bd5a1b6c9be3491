import { diffAttributes, diffStack, FORCE_NEW, flatten, StackDiff } from '../../../../tools/plan-review/diff';
import { fixture } from './helpers';

describe('base/head diff', () => {
  // Computed in each test, not at collection time: Stryker then knows which tests cover which mutant (code run while
  // Jest collects tests counts as "static" and reruns every related test file for each of its mutants).
  let d: StackDiff;
  beforeEach(() => {
    d = diffStack('shop-staging', fixture('base'), fixture('head'));
  });

  test('counts added, changed and removed resources', () => {
    expect(d.status).toBe('changed');
    expect(d.added.map((r) => r.address)).toEqual(expect.arrayContaining(['aws_s3_bucket.landing', 'aws_cloudwatch_log_group.audit']));
    expect(d.removed.map((r) => r.address)).toContain('aws_s3_bucket.raw');
    expect(d.changed.map((c) => c.address).sort()).toEqual(['aws_db_instance.db', 'aws_iam_role_policy.loader_policy', 'aws_lambda_function.loader', 'aws_lambda_permission.loader_s3']);
  });

  test('a renamed DB instance is changed in place (provider 5.x renames it), listed with its new identifier, warned as a rename (its endpoint changes), not as a replacement', () => {
    const db = d.changed.find((c) => c.address === 'aws_db_instance.db')!;
    expect(db.replacedBy).toEqual([]);
    expect(db.changes).toEqual(
      expect.arrayContaining([
        { path: 'identifier', before: '"shop-staging-db"', after: '"shop-staging-orders-db"' },
        { path: 'backup_retention_period', before: '7', after: '14' },
      ]),
    );
    // RDS guide, "Renaming a DB instance" (USER_RenameInstance.html): the endpoint changes with the identifier.
    expect(d.warnings.filter((w) => w.includes('aws_db_instance.db'))).toEqual(['RENAME of aws_db_instance.db (shop-staging-db -> shop-staging-orders-db): the instance keeps its data, but its endpoint host name changes; RDS deletes the old DNS name at once and the instance is unavailable until the new one is effective (about 10 minutes). Clients that use the old host name (applications, DMS endpoints, secrets holding a host) fail until they are pointed at the new one.']);
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

// Second Stryker run (docs/mutation-scores.md): a move is told from a removal by type and physical name.
describe('moves and removals of stateful resources', () => {
  const res = (type: string, address: string, attrs: Record<string, unknown>) => ({ resource: { [type]: { [address]: attrs } } }) as Parameters<typeof diffStack>[1];

  test.each<[string, string]>([
    ['aws_db_instance', 'identifier'],
    ['aws_rds_cluster', 'cluster_identifier'],
    ['aws_s3_bucket', 'bucket'],
    ['aws_kinesis_stream', 'name'],
    ['aws_dms_replication_task', 'replication_task_id'],
  ])('%s: the same %s at a new address is a move, another one is a removal', (type, key) => {
    const moved = diffStack('s', res(type, 'old', { [key]: 'n1' }), res(type, 'new', { [key]: 'n1' }));
    expect(moved.warnings).toEqual([expect.stringMatching(new RegExp(`^MOVED stateful ${type}\\.old -> ${type}\\.new: `))]);
    const replaced = diffStack('s', res(type, 'old', { [key]: 'n1' }), res(type, 'new', { [key]: 'n2' }));
    expect(replaced.warnings).toEqual([`REMOVAL of stateful ${type}.old (n1): Terraform destroys it.`]);
  });

  test('a resource of another type with the same name is not a twin', () => {
    const d = diffStack('s', res('aws_sqs_queue', 'q', { name: 'orders' }), res('aws_kinesis_stream', 'q', { name: 'orders' }));
    expect(d.warnings).toEqual(['REMOVAL of stateful aws_sqs_queue.q (orders): Terraform destroys it.']);
  });

  test('a removed resource whose name is unknown at synth is taken as moved to any new one of its type', () => {
    const d = diffStack('s', res('aws_sqs_queue', 'old', { name: '${var.queue}' }), res('aws_sqs_queue', 'new', { name: 'orders' }));
    expect(d.warnings).toEqual([expect.stringMatching(/^MOVED stateful aws_sqs_queue\.old -> aws_sqs_queue\.new: /)]);
  });

  test('a removal without a literal physical name says so without a name', () => {
    const d = diffStack('s', res('aws_sqs_queue', 'q', { name: '${var.queue}' }), { resource: {} });
    expect(d.warnings).toEqual(['REMOVAL of stateful aws_sqs_queue.q: Terraform destroys it.']);
  });

  test('a replacement forced by two attributes names both', () => {
    const d = diffStack('s', res('aws_db_instance', 'db', { storage_encrypted: false, engine: 'postgres' }), res('aws_db_instance', 'db', { storage_encrypted: true, engine: 'aurora-postgresql' }));
    expect(d.warnings).toEqual([
      'REPLACEMENT of stateful aws_db_instance.db: changing engine, storage_encrypted makes Terraform destroy it and create a new one (data is lost unless restored from a snapshot).',
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

  test('a DB instance renamed alongside a forced replacement gets the replacement warning only', () => {
    const d = diffStack('s', one('aws_db_instance', { identifier: 'a', storage_encrypted: false }), one('aws_db_instance', { identifier: 'b', storage_encrypted: true }));
    expect(d.warnings).toEqual([expect.stringMatching(/^REPLACEMENT of stateful aws_db_instance.x: changing storage_encrypted makes Terraform destroy it/)]);
  });

  test('an identifier that appears or disappears is not a rename', () => {
    expect(diffStack('s', one('aws_db_instance', {}), one('aws_db_instance', { identifier: 'b' })).warnings).toEqual([]);
    expect(diffStack('s', one('aws_db_instance', { identifier: 'a' }), one('aws_db_instance', {})).warnings).toEqual([]);
  });
});

/**
 * Each force-new attribute on its own, written out here rather than read from FORCE_NEW, so a row dropped from the
 * table fails its case. Source: the provider's resource schemas (`ForceNew: true`), as the table was audited;
 * deriving them from `terraform providers schema -json` waits for the toolchain issue. db_subnet_group_name forces a
 * new aws_rds_cluster (internal/service/rds/cluster.go, `ForceNew: true`) but is changed in place on aws_db_instance
 * (instance.go: Optional + Computed, no ForceNew; the update calls ModifyDBInstance with DBSubnetGroupName, which the
 * RDS API Reference documents as the way "to move your DB instance to a different VPC", with an outage): it is an
 * in-place case below.
 */
const FORCE_NEW_CASES: Array<[type: string, attribute: string, stateful: boolean]> = [
  ...['engine', 'storage_encrypted', 'kms_key_id', 'availability_zone', 'db_name', 'username', 'snapshot_identifier', 'character_set_name'].map(
    (a) => ['aws_db_instance', a, true] as [string, string, boolean],
  ),
  ...['cluster_identifier', 'engine', 'storage_encrypted', 'kms_key_id', 'database_name', 'master_username', 'db_subnet_group_name', 'availability_zones', 'snapshot_identifier'].map(
    (a) => ['aws_rds_cluster', a, true] as [string, string, boolean],
  ),
  ...['identifier', 'cluster_identifier', 'engine'].map((a) => ['aws_rds_cluster_instance', a, true] as [string, string, boolean]),
  ...['cluster_identifier', 'storage_encrypted', 'kms_key_arn', 'neptune_subnet_group_name', 'availability_zones', 'snapshot_identifier'].map(
    (a) => ['aws_neptune_cluster', a, true] as [string, string, boolean],
  ),
  ...['identifier', 'cluster_identifier', 'engine'].map((a) => ['aws_neptune_cluster_instance', a, true] as [string, string, boolean]),
  ...['bucket', 'bucket_prefix', 'object_lock_enabled'].map((a) => ['aws_s3_bucket', a, true] as [string, string, boolean]),
  ['aws_kinesis_stream', 'name', true],
  ...['name', 'hash_key', 'range_key'].map((a) => ['aws_dynamodb_table', a, true] as [string, string, boolean]),
  ...['customer_master_key_spec', 'key_usage', 'multi_region'].map((a) => ['aws_kms_key', a, true] as [string, string, boolean]),
  ...['name', 'name_prefix'].map((a) => ['aws_secretsmanager_secret', a, true] as [string, string, boolean]),
  ...['name', 'fifo_queue'].map((a) => ['aws_sqs_queue', a, true] as [string, string, boolean]),
  ['aws_dms_replication_task', 'replication_task_id', true],
  ['aws_lambda_function', 'function_name', false],
  ...['name', 'description', 'vpc_id'].map((a) => ['aws_security_group', a, false] as [string, string, boolean]),
  ...['name', 'path'].map((a) => ['aws_iam_role', a, false] as [string, string, boolean]),
  ...['name', 'fifo_topic'].map((a) => ['aws_sns_topic', a, false] as [string, string, boolean]),
];

/** One resource `x` of `type`, with a fixed in-place attribute beside the one under test. */
const one = (type: string, attrs: Record<string, unknown>) => ({ resource: { [type]: { x: { tags: { team: 'data' }, ...attrs } } } });
const BOOLEAN = new Set(['storage_encrypted', 'object_lock_enabled', 'multi_region', 'fifo_queue', 'fifo_topic']);
const LIST = new Set(['availability_zones']);
const valuePair = (attribute: string): [unknown, unknown] =>
  BOOLEAN.has(attribute) ? [true, false] : LIST.has(attribute) ? [['eu-west-2a', 'eu-west-2b'], ['eu-west-2a', 'eu-west-2c']] : [`${attribute}-before`, `${attribute}-after`];

describe('force-new attributes, one case each', () => {
  test('every FORCE_NEW entry has a case here, and nothing more', () => {
    const table = Object.entries(FORCE_NEW).flatMap(([type, attributes]) => attributes.map((a) => `${type}.${a}`)).sort();
    expect(table).toEqual(FORCE_NEW_CASES.map(([type, a]) => `${type}.${a}`).sort());
  });

  test.each(FORCE_NEW_CASES)('%s.%s forces replacement (stateful: %s)', (type, attribute, stateful) => {
    const [before, after] = valuePair(attribute);
    const d = diffStack('s', one(type, { [attribute]: before }), one(type, { [attribute]: after }));
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0].replacedBy).toEqual([attribute]);
    expect(d.warnings).toEqual(
      stateful
        ? [`REPLACEMENT of stateful ${type}.x: changing ${attribute} makes Terraform destroy it and create a new one (data is lost unless restored from a snapshot).`]
        : [],
    );
  });

  test.each<[string, string, unknown, unknown]>([
    ['aws_db_instance', 'backup_retention_period', 7, 14],
    ['aws_db_instance', 'instance_class', 'db.t4g.medium', 'db.r7g.large'],
    ['aws_db_instance', 'allocated_storage', 20, 50],
    ['aws_db_instance', 'multi_az', false, true],
    // ModifyDBInstance moves the instance to the new subnet group (an outage, not a replacement): see the comment above.
    ['aws_db_instance', 'db_subnet_group_name', 'shop-staging-db-a', 'shop-staging-db-b'],
    // A rename in place since provider 5.0.0 (ModifyDBInstance NewDBInstanceIdentifier): test/force-new-plan shows it.
    ['aws_db_instance', 'backup_retention_period', 7, 14],
    ['aws_rds_cluster', 'backup_retention_period', 7, 14],
    ['aws_neptune_cluster', 'deletion_protection', false, true],
    ['aws_s3_bucket', 'force_destroy', true, false],
    ['aws_kinesis_stream', 'retention_period', 24, 48],
    ['aws_kms_key', 'enable_key_rotation', false, true],
    ['aws_secretsmanager_secret', 'description', 'a', 'b'],
    ['aws_sqs_queue', 'visibility_timeout_seconds', 30, 60],
    ['aws_dms_replication_task', 'table_mappings', '{"rules":[]}', '{"rules":[{"rule-id":"1"}]}'],
  ])('an in-place change of stateful %s.%s is listed but does not warn', (type, attribute, before, after) => {
    const d = diffStack('s', one(type, { [attribute]: before }), one(type, { [attribute]: after }));
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0].replacedBy).toEqual([]);
    expect(d.warnings).toEqual([]);
  });
});

// Third Stryker run (flatten, element keys, summaries, stack settings): what a reviewer sees for each kind of change.
describe('attribute paths and values', () => {
  test('array elements are named by Sid, rule-name, name or id (first non-empty one), IAM statements by effect and actions, else by position', () => {
    const flat = flatten({
      s: [{ Sid: 'A', name: 'n' }, { 'rule-name': 'r', id: 'i' }, { name: 'n2', id: 'i2' }, { id: 'i3' }, { Sid: '', id: 'i4' }, { v: 1 }],
      st: [{ Effect: 'Deny', NotAction: 's3:*' }, { Effect: 'Allow', Action: ['a:B', 'a:C'] }, { Effect: 'Allow', Resource: '*' }],
    });
    expect([...flat.keys()]).toEqual([
      's[Sid=A].Sid', 's[Sid=A].name', 's[rule-name=r].rule-name', 's[rule-name=r].id', 's[name=n2].name', 's[name=n2].id', 's[id=i3].id', 's[id=i4].Sid', 's[id=i4].id', 's[5].v',
      'st[Deny s3:*].Effect', 'st[Deny s3:*].NotAction', 'st[Allow a:B,a:C].Effect', 'st[Allow a:B,a:C].Action', 'st[2].Effect', 'st[2].Resource',
    ]);
  });

  test('a name that is not a non-empty string does not name an element (the next key or the position does); an IAM statement whose Action is null is named by its effect alone', () => {
    const flat = flatten({ s: [{ name: 7, id: 'seven' }, { Sid: true, v: 1 }], st: [{ Effect: 'Allow', Action: null, Resource: '*' }] });
    expect([...flat.keys()]).toEqual(['s[id=seven].name', 's[id=seven].id', 's[1].Sid', 's[1].v', 'st[Allow ].Effect', 'st[Allow ].Action', 'st[Allow ].Resource']);
  });

  test('an undefined value is absent, not a path with no value', () => {
    expect([...flatten(undefined).entries()]).toEqual([]);
    expect([...flatten({ a: undefined, b: 1 } as unknown as Parameters<typeof flatten>[0]).entries()]).toEqual([['b', '1']]);
  });

  test('elements with the same name are numbered from the second on; nested arrays are named by position', () => {
    expect([...flatten({ r: [{ name: 'x', v: 1 }, { name: 'x', v: 2 }, [{ v: 3 }]] }).entries()]).toEqual([
      ['r[name=x].name', '"x"'], ['r[name=x].v', '1'], ['r[name=x]#2.name', '"x"'], ['r[name=x]#2.v', '2'], ['r[2][0].v', '3'],
    ]);
  });

  test('values: null, empty objects and lists of scalars are one value each; a JSON list in a string is opened, text that only looks like JSON is not', () => {
    expect([...flatten({ a: null, b: {}, c: [1, null, 'x'], d: '["s3:GetObject","s3:PutObject"]', e: '{not json}', f: ' [ ] ', g: '{"x":[]}', h: '[1, 2' }).entries()]).toEqual([
      ['a', 'null'], ['b', '{}'], ['c', '[1,null,"x"]'], ['d', '["s3:GetObject","s3:PutObject"]'], ['e', '"{not json}"'], ['f', '[]'], ['g › x', '[]'], ['h', '"[1, 2"'],
    ]);
  });

  test('long values are cut at 70 characters with an ellipsis; a value of exactly 70 is shown whole', () => {
    // Values are shown as JSON: a string of 69 characters is 71 with its quotes.
    expect(diffAttributes({ a: 'x'.repeat(69) }, { a: 'short' })).toEqual([{ path: 'a', before: `"${'x'.repeat(68)}…`, after: '"short"' }]);
    expect(diffAttributes({ c: 'x'.repeat(68) }, { c: 'y' })).toEqual([{ path: 'c', before: `"${'x'.repeat(68)}"`, after: '"y"' }]);
  });

  test('an asset added or removed is summarised as "none" on its missing side; the differing path part is shown, cut to 12 characters', () => {
    expect(diffAttributes({ n: 1 }, { n: 1, source_code_hash: 'ABCDEFGHIJKLMNOP' })).toEqual([{ path: 'source_code_hash', summary: 'asset changed (none → ABCDEFGHIJKL)' }]);
    expect(diffAttributes({ n: 1, etag: 'abc' }, { n: 1 })).toEqual([{ path: 'etag', summary: 'asset changed (abc → none)' }]);
    expect(diffAttributes({ source_hash: 'a/b/c' }, { source_hash: 'a/b/d' })).toEqual([{ path: 'source_hash', summary: 'asset changed (c → d)' }]);
    expect(diffAttributes({ filename: 'a/b/c' }, { filename: 'a/x/c' })).toEqual([{ path: 'filename', summary: 'asset changed (b → x)' }]);
  });

  test('an asset path that extends the other shows each side\'s last part; an empty asset counts as none', () => {
    expect(diffAttributes({ filename: 'dist/a' }, { filename: 'dist/a/b' })).toEqual([{ path: 'filename', summary: 'asset changed (a → b)' }]);
    expect(diffAttributes({ filename: 'dist/x/c' }, { filename: 'dist/c' })).toEqual([{ path: 'filename', summary: 'asset changed (x → c)' }]);
    expect(diffAttributes({ n: 1 }, { n: 1, etag: '' })).toEqual([{ path: 'etag', summary: 'asset changed (none → none)' }]);
  });

  test('a secret inside a JSON document is summarised by its own key, also when the document attribute is not secret', () => {
    expect(diffAttributes({ settings: '{"token":"a","level":1}' }, { settings: '{"token":"b","level":2}' })).toEqual([
      { path: 'settings › level', before: '1', after: '2' },
      { path: 'settings › token', summary: 'sensitive value changed' },
    ]);
  });
});

describe('stack settings, more cases', () => {
  const json = (provider: unknown, backend: unknown, locals: unknown = {}) => ({ provider, terraform: { backend }, locals, resource: {} }) as never;

  test('a changed backend bucket and region are each named; a provider alias in another region is a region change too', () => {
    const d = diffStack('s', json({ aws: [{ region: 'eu-west-2' }, { alias: 'dr', region: 'eu-west-1' }] }, { s3: { bucket: 'a', key: 'k', region: 'eu-west-2' } }), json({ aws: [{ region: 'eu-west-2' }, { alias: 'dr', region: 'eu-central-1' }] }, { s3: { bucket: 'b', key: 'k', region: 'eu-west-1' } }));
    expect(d.warnings).toEqual([
      'REGION CHANGE of the AWS provider: every regional resource of the stack is destroyed and created in the new region.',
      "STATE MOVE: the backend's bucket, region changed; run `terraform init -migrate-state` or Terraform starts from an empty state and tries to create everything again.",
    ]);
    expect(d.status).toBe('changed');
  });

  test('other provider and backend settings change without a warning; a stack whose only change is a setting is changed', () => {
    const d = diffStack('s', json({ aws: [{ region: 'eu-west-2', default_tags: [{ tags: { a: '1' } }] }] }, { s3: { bucket: 'a', key: 'k', encrypt: true } }), json({ aws: [{ region: 'eu-west-2', default_tags: [{ tags: { a: '2' } }] }] }, { s3: { bucket: 'a', key: 'k', encrypt: false } }));
    expect(d.warnings).toEqual([]);
    expect(d.settings.map((c) => c.path)).toEqual(['backend.s3.encrypt', 'provider.aws[0].default_tags[0].tags.a']);
    expect(d.status).toBe('changed');
  });

  test('a new stack has no settings diff and lists its waivers as added; a removed stack lists none', () => {
    const withWaiver = json({ aws: [{ region: 'eu-west-2' }] }, {}, { policy_waivers: { 'RDS-HA': 'a reason long enough' } });
    expect(diffStack('s', undefined, withWaiver)).toMatchObject({ status: 'added', settings: [], warnings: [], waiversAdded: ['RDS-HA'] });
    expect(diffStack('s', withWaiver, undefined)).toMatchObject({ status: 'removed', settings: [], warnings: [], waiversAdded: [] });
  });

  test('the eleventh provider alias moving region is a region change; a local named like the backend or the provider is no state move or region change', () => {
    const providers = (last: string) => ({ aws: [...Array.from({ length: 10 }, (_, i) => ({ alias: `a${i}`, region: 'eu-west-2' })), { alias: 'dr', region: last }] });
    expect(diffStack('s', json(providers('eu-west-1'), {}), json(providers('eu-central-1'), {})).warnings).toEqual([
      'REGION CHANGE of the AWS provider: every regional resource of the stack is destroyed and created in the new region.',
    ]);
    const local = (bucket: string) => json({ aws: [{ region: 'eu-west-2' }] }, { s3: { bucket: 'state', key: 'k' } }, { backend: { s3: { bucket } } });
    const d = diffStack('s', local('a'), local('b'));
    expect(d.settings.map((c) => c.path)).toEqual(['locals.backend.s3.bucket']);
    expect(d.warnings).toEqual([]);
    const regionLocal = (region: string) => json({ aws: [{ region: 'eu-west-2' }] }, {}, { provider: { aws: [{ region, alias: 'x' }] } });
    const r = diffStack('s', regionLocal('eu-west-1'), regionLocal('eu-central-1'));
    expect(r.settings.map((c) => c.path)).toEqual(['locals.provider.aws[0].region']);
    expect(r.warnings).toEqual([]);
  });

  test('waivers added are listed in rule order, whatever the order of the locals', () => {
    const w = (waivers: Record<string, string>) => json({ aws: [{ region: 'eu-west-2' }] }, {}, { policy_waivers: waivers });
    expect(diffStack('s', w({}), w({ 'S3-SSE': 'another reason long enough', 'LAMBDA-DLQ': 'a third reason long enough', 'RDS-HA': 'a reason long enough' })).waiversAdded).toEqual(['LAMBDA-DLQ', 'RDS-HA', 'S3-SSE']);
  });

  test('a waiver removed or kept unchanged is not listed as added', () => {
    const w = (waivers: Record<string, string>) => json({ aws: [{ region: 'eu-west-2' }] }, {}, { policy_waivers: waivers });
    expect(diffStack('s', w({ 'RDS-HA': 'a reason long enough', 'S3-SSE': 'another reason long enough' }), w({ 'RDS-HA': 'a reason long enough' })).waiversAdded).toEqual([]);
  });
});
