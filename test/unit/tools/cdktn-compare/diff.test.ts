import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformStack } from '../../../../modules/core';
import { classify, compareOutdirs, fullProviderAddress, kindOf, Versions } from '../../../../tools/cdktn-compare/diff';

// The versions of the real run (npm run compare:cdktn): cdktf 0.21.0 + AWS 6.25.0 against cdktn 0.24.0 + AWS 6.64.0.
const VERSIONS: Versions = { cdktf: '0.21.0', cdktn: '0.24.0', providerAwsBefore: '6.25.0', providerAwsAfter: '6.64.0' };

/** A real cdktf synthesis of one or two small stacks into a fresh outdir. */
function synth(options: { bucket: string; extraStack?: boolean; forceDestroy?: boolean }): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktn-diff-'));
  const app = new App({ outdir, skipValidation: true });
  for (const name of options.extraStack ? ['one', 'two'] : ['one']) {
    const stack = new TerraformStack(app, name);
    new AwsProvider(stack, 'aws', { region: 'eu-west-2' });
    new S3Bucket(stack, 'data', { bucket: options.bucket, forceDestroy: options.forceDestroy });
  }
  app.synth();
  return outdir;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file: string, value: unknown) => fs.writeFileSync(file, JSON.stringify(value, null, 2));

/** A copy of a real outdir with the three edits cdktn 0.24.0 + @cdktn/provider-aws 25.5.0 make (seen in the real run). */
function asTheForkWritesIt(outdir: string, edit: { version?: string; provider?: string; source?: string } = {}): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktn-diff-fork-'));
  fs.cpSync(outdir, copy, { recursive: true });
  const manifest = readJson(path.join(copy, 'manifest.json'));
  manifest.version = edit.version ?? '0.24.0';
  writeJson(path.join(copy, 'manifest.json'), manifest);
  for (const stack of fs.readdirSync(path.join(copy, 'stacks'))) {
    const file = path.join(copy, 'stacks', stack, 'cdk.tf.json');
    const json = readJson(file);
    json['//'].metadata.version = edit.version ?? '0.24.0';
    json.terraform.required_providers.aws.version = edit.provider ?? '6.64.0';
    json.terraform.required_providers.aws.source = edit.source ?? 'hashicorp/aws';
    writeJson(file, json);
  }
  return copy;
}

describe('cdktn comparison', () => {
  const base = synth({ bucket: 'kit-data' });

  test('the same synthesis twice has no differences', () => {
    const { stacks, differences } = compareOutdirs(base, synth({ bucket: 'kit-data' }));
    expect(stacks).toEqual(['one']);
    expect(differences).toEqual([]);
  });

  test('a changed attribute, a new attribute and a new stack are reported as unexplained, grouped by kind', () => {
    const { differences } = compareOutdirs(base, synth({ bucket: 'kit-other', forceDestroy: true, extraStack: true }));
    const c = classify(differences, VERSIONS);
    expect(c.explained.size).toBe(0);
    expect([...c.unexplained.keys()].sort()).toEqual([
      'added (stack)',
      'added manifest.json:stacks.two',
      'added resource.aws_s3_bucket.*.force_destroy',
      'changed resource.aws_s3_bucket.*.bucket',
    ]);
    const bucket = c.unexplained.get('changed resource.aws_s3_bucket.*.bucket')!;
    expect(bucket).toHaveLength(1);
    expect(bucket[0]).toMatchObject({ where: 'one', before: 'kit-data', after: 'kit-other' });
    expect(bucket[0].path[0]).toBe('resource');
  });

  test("the fork's version strings and full provider source are explained, and nothing else is reported", () => {
    const c = classify(compareOutdirs(base, asTheForkWritesIt(base)).differences, VERSIONS);
    expect(c.unexplained.size).toBe(0);
    expect(Object.fromEntries([...c.explained].map(([id, list]) => [id, list.length]))).toEqual({
      'framework-version': 2, // manifest.json and the stack
      'provider-version': 1,
      'provider-source': 1,
    });
  });

  test.each([
    ['another framework version', { version: '0.23.0' }, 'changed //.metadata.version'],
    ['another provider version', { provider: '6.30.0' }, 'changed terraform.required_providers.aws.version'],
    ['a provider from another namespace', { source: 'someone/aws' }, 'changed terraform.required_providers.aws.source'],
  ])('fails when the fork writes %s (only the exact explained change is normalized)', (_name, edit, kind) => {
    const c = classify(compareOutdirs(base, asTheForkWritesIt(base, edit)).differences, VERSIONS);
    expect([...c.unexplained.keys()]).toContain(kind);
  });

  test('an asset file that differs is reported', () => {
    const fork = asTheForkWritesIt(base);
    fs.mkdirSync(path.join(fork, 'stacks', 'one', 'assets'), { recursive: true });
    fs.writeFileSync(path.join(fork, 'stacks', 'one', 'assets', 'code.zip'), 'not the same bytes');
    const c = classify(compareOutdirs(base, fork).differences, VERSIONS);
    expect([...c.unexplained.keys()]).toEqual(['added (file).assets/code.zip']);
  });

  test('provider addresses are compared in full (hostname/namespace/type)', () => {
    expect(fullProviderAddress('aws')).toBe('registry.terraform.io/hashicorp/aws');
    expect(fullProviderAddress('hashicorp/aws')).toBe('registry.terraform.io/hashicorp/aws');
    expect(fullProviderAddress('registry.opentofu.org/hashicorp/aws')).toBe('registry.opentofu.org/hashicorp/aws');
    expect(kindOf({ where: 'manifest.json', kind: 'changed', path: ['stacks', 'one', 'annotations', 0] })).toBe(
      'changed manifest.json:stacks.one.annotations.[]',
    );
  });
});
