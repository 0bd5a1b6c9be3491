import { CHECKOV_SKIPS } from '../../../../tools/verify/checkov-skips';
import { addressOf, checkovInput } from '../../../../tools/verify/runners';
import { applySkips, CheckovSkip, Finding, validateSkips } from '../../../../tools/verify/skips';

const finding = (checkId: string, stack: string, address: string): Finding => ({ checkId, checkName: 'a check', stack, address });
const REASON = 'a reason long enough to say why the check does not apply';

describe('checkov skips', () => {
  test('a skip without stacks or resources covers the check everywhere, and nothing else', () => {
    const skips: CheckovSkip[] = [{ check: 'CKV_AWS_1', reason: REASON }];
    const out = applySkips([finding('CKV_AWS_1', 'a-staging', 'aws_x.a'), finding('CKV_AWS_2', 'a-staging', 'aws_x.a')], skips, true);
    expect(out.skipped.map((s) => s.finding.checkId)).toEqual(['CKV_AWS_1']);
    expect(out.failed.map((f) => f.checkId)).toEqual(['CKV_AWS_2']);
    expect(out.stale).toEqual([]);
  });

  test('stack and resource globs narrow a skip: a production finding stays failed', () => {
    const skips: CheckovSkip[] = [{ check: 'CKV_AWS_157', reason: REASON, stacks: ['*-staging'], resources: ['aws_db_instance.*'] }];
    const out = applySkips(
      [
        finding('CKV_AWS_157', 'shop-staging', 'aws_db_instance.database_1A'),
        finding('CKV_AWS_157', 'shop-production', 'aws_db_instance.database_1A'),
        finding('CKV_AWS_157', 'shop-staging', 'aws_rds_cluster.database_1A'),
      ],
      skips,
      true,
    );
    expect(out.skipped.map((s) => `${s.finding.stack} ${s.finding.address}`)).toEqual(['shop-staging aws_db_instance.database_1A']);
    expect(out.failed.map((f) => `${f.stack} ${f.address}`)).toEqual(['shop-production aws_db_instance.database_1A', 'shop-staging aws_rds_cluster.database_1A']);
  });

  test('glob characters other than * are literal', () => {
    const skips: CheckovSkip[] = [{ check: 'CKV_AWS_1', reason: REASON, resources: ['aws_x.a.b'] }];
    expect(applySkips([finding('CKV_AWS_1', 's', 'aws_x.aXb')], skips, true).failed).toHaveLength(1);
  });

  test('a skip that matches no finding is stale on a full run, and not judged on a partial one', () => {
    const skips: CheckovSkip[] = [{ check: 'CKV_AWS_1', reason: REASON, stacks: ['other-*'] }];
    expect(applySkips([], skips, true).stale).toEqual(skips);
    expect(applySkips([], skips, false).stale).toEqual([]);
  });

  test.each([
    [{ check: 'CKV_AWS_1', reason: 'short' }, 'needs a reason'],
    [{ check: 'AWS_1', reason: REASON }, 'is not a checkov AWS check id'],
    [{ check: 'CKV_AWS_1', reason: REASON, stacks: [] }, 'has an empty list'],
  ])('fails when a skip is malformed: %j', (skip, problem) => {
    expect(validateSkips([skip]).map((i) => i.problem).join('\n')).toContain(problem);
  });

  test('every checked-in skip is well formed', () => {
    expect(validateSkips(CHECKOV_SKIPS)).toEqual([]);
  });
});

describe('addressOf', () => {
  const stack = {
    name: 's',
    file: 's/cdk.tf.json',
    json: { resource: { aws_s3_bucket: { raw_1A: {} }, aws_kms_key: { key_2B: {} } }, data: { aws_iam_policy_document: { doc_3C: {} } } },
  };
  test.each([
    ['resource.raw_1A', 'aws_s3_bucket.raw_1A'],
    ['data.doc_3C', 'data.aws_iam_policy_document.doc_3C'],
    ['aws_kms_key.key_2B', 'aws_kms_key.key_2B'],
    ['resource.missing_9Z', 'resource.missing_9Z'],
  ])('%s -> %s', (resource, address) => {
    expect(addressOf(resource, stack)).toBe(address);
  });
});

describe('checkovInput', () => {
  test('drops only terraform.required_version (checkov 3.3.30 rejects the file over it) and leaves the rest as synthesized', () => {
    const json = { terraform: { required_version: '>= 1.10.0', required_providers: { aws: { source: 'aws' } } }, resource: { aws_s3_bucket: { b: {} } } };
    expect(checkovInput(json)).toEqual({ terraform: { required_providers: { aws: { source: 'aws' } } }, resource: { aws_s3_bucket: { b: {} } } });
    expect(json.terraform.required_version).toBe('>= 1.10.0');
    const without = { resource: {} };
    expect(checkovInput(without)).toBe(without);
  });
});
