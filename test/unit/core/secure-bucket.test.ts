// Fast tests of modules/core/bucket.ts beyond core.test.ts's: S3's naming rules one by one, the settings that keep a
// bucket private and its data recoverable, the lifecycle rules and the extra policy statements.
// S3 naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
import { s3BucketNameProblem, SecureBucket, SecureBucketProps } from '../../../modules/core';
import { onlyResource, resources, synthJson, testStack } from '../../helpers/synth';

const KEY = 'arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-0000-4000-8000-000000000001';

function bucket(props: Partial<SecureBucketProps> = {}, production = false) {
  const stack = testStack({ production });
  const b = new SecureBucket(stack, 'b', { component: 'landing', kmsKeyArn: KEY, ...props });
  return { b, json: synthJson(stack) };
}

describe('s3BucketNameProblem', () => {
  test.each(['abc', 'a'.repeat(63), '1-2', 'billing-prod-landing-123456789012', 'a--b'])('accepts %s', (name) => {
    expect(s3BucketNameProblem(name)).toBeUndefined();
  });

  test.each([
    ['ab', 'it is 2 characters; S3 allows 3 to 63'],
    ['a'.repeat(64), 'it is 64 characters; S3 allows 3 to 63'],
    ['Abc', 'only lower-case letters, digits, dashes (and dots) are allowed'],
    ['abC', 'only lower-case letters, digits, dashes (and dots) are allowed'],
    ['a_b', 'only lower-case letters, digits, dashes (and dots) are allowed'],
    ['-ab', 'it must start and end with a letter or digit'],
    ['ab-', 'it must start and end with a letter or digit'],
    ['a.b', 'dots break HTTPS virtual-hosted-style requests, and these buckets accept TLS only: use dashes'],
    ['xn--abc', 'the prefix "xn--" is reserved by S3'],
    ['sthree-abc', 'the prefix "sthree-" is reserved by S3'],
    ['amzn-s3-demo-abc', 'the prefix "amzn-s3-demo-" is reserved by S3'],
    ['abc-s3alias', 'the suffix "-s3alias" is reserved by S3'],
    ['abc--ol-s3', 'the suffix "--ol-s3" is reserved by S3'],
    ['abc--x-s3', 'the suffix "--x-s3" is reserved by S3'],
    ['abc--table-s3', 'the suffix "--table-s3" is reserved by S3'],
  ])('refuses %s: %s', (name, problem) => {
    expect(s3BucketNameProblem(name)).toBe(problem);
  });

  test('a reserved word inside the name (not as its prefix or suffix) is allowed', () => {
    expect(s3BucketNameProblem('abc-xn--sthree-s3alias-abc')).toBeUndefined();
  });
});

describe('SecureBucket names', () => {
  test('fails when bucketName breaks a rule, with the whole message: prop, value, rule and an example', () => {
    expect(() => bucket({ bucketName: 'ab' })).toThrow(
      'test/b: bucketName "ab" is not a valid S3 bucket name: it is 2 characters; S3 allows 3 to 63. Bucket names are global across AWS accounts: 3-63 characters, lower-case letters, digits and dashes, starting and ending with a letter or digit (e.g. "billing-prod-landing-123456789012").',
    );
  });

  test.each(['1', 'a', 'a-1', 'x9'])('accepts the suffix %s', (suffix) => {
    expect(onlyResource(bucket({ bucketNameSuffix: suffix }).json, 'aws_s3_bucket').bucket).toBe(`demo-staging-landing-${suffix}`);
  });

  test.each(['-1', '1-', 'a_1', 'A1', 'a.1', ''])('fails when the suffix is %j, naming bucketNameSuffix and the rule', (suffix) => {
    expect(() => bucket({ bucketNameSuffix: suffix })).toThrow(
      `test/b: bucketNameSuffix "${suffix}" must be lower-case letters, digits and dashes, starting and ending with a letter or digit (e.g. an account id, "123456789012").`,
    );
  });

  test('a suffix known only at plan (a token) is not checked at synth and is used as given', () => {
    const stack = testStack();
    const other = new SecureBucket(stack, 'other', { component: 'other', kmsKeyArn: KEY });
    new SecureBucket(stack, 'b', { component: 'landing', kmsKeyArn: KEY, bucketNameSuffix: other.bucket.id });
    expect(resources(synthJson(stack), 'aws_s3_bucket').map((r) => r.bucket)).toContainEqual(expect.stringMatching(/^demo-staging-landing-\$\{aws_s3_bucket\.other_bucket_\w+\.id\}$/));
  });
});

describe('SecureBucket settings', () => {
  test('ACLs are disabled (BucketOwnerEnforced), the key is a bucket key, and Terraform may not delete a bucket with objects', () => {
    const { json } = bucket();
    expect(onlyResource(json, 'aws_s3_bucket').force_destroy).toBe(false);
    expect(onlyResource(json, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
  });

  test('the first lifecycle rule covers every object: aborts uploads after 7 days, expires old versions after 30 days, drops stray delete markers', () => {
    expect(onlyResource(bucket().json, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      {
        id: 'abort-incomplete-uploads-and-expire-old-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
        expiration: [{ expired_object_delete_marker: true }],
      },
    ]);
  });

  test('in production old versions are kept 90 days; given values win', () => {
    const rule = (props: Partial<SecureBucketProps>, production: boolean) => onlyResource(bucket(props, production).json, 'aws_s3_bucket_lifecycle_configuration').rule[0];
    expect(rule({}, true).noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    const given = rule({ noncurrentVersionExpirationDays: 400, abortIncompleteUploadDays: 2 }, true);
    expect(given.noncurrent_version_expiration).toEqual([{ noncurrent_days: 400 }]);
    expect(given.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 2 }]);
  });

  test('each expiration prefix gets its own rule, named after the prefix, whose old versions go a day later', () => {
    const rules = onlyResource(
      bucket({ expirations: [{ prefix: 'runs/', days: 14 }, { prefix: 'staged/db.rows/', days: 3 }, { prefix: 'tmp-/', days: 1 }] }).json,
      'aws_s3_bucket_lifecycle_configuration',
    ).rule;
    expect(rules.slice(1)).toEqual([
      { id: 'expire-runs', status: 'Enabled', filter: [{ prefix: 'runs/' }], expiration: [{ days: 14 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] },
      { id: 'expire-staged-db-rows', status: 'Enabled', filter: [{ prefix: 'staged/db.rows/' }], expiration: [{ days: 3 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] },
      { id: 'expire-tmp', status: 'Enabled', filter: [{ prefix: 'tmp-/' }], expiration: [{ days: 1 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] },
    ]);
  });

  test.each([
    [{ abortIncompleteUploadDays: 0 }, 'test/b: abortIncompleteUploadDays must be an integer from 1 to 365, got 0.'],
    [{ abortIncompleteUploadDays: 366 }, 'abortIncompleteUploadDays must be an integer from 1 to 365, got 366.'],
    [{ noncurrentVersionExpirationDays: 0 }, 'noncurrentVersionExpirationDays must be an integer from 1 to 3650, got 0.'],
    [{ noncurrentVersionExpirationDays: 3651 }, 'noncurrentVersionExpirationDays must be an integer from 1 to 3650, got 3651.'],
    [{ expirations: [{ prefix: 'runs/', days: 0 }] }, 'expiration days for runs/ must be an integer from 1 to 3650, got 0.'],
    [{ expirations: [{ prefix: 'runs/', days: 3651 }] }, 'expiration days for runs/ must be an integer from 1 to 3650, got 3651.'],
    [{ expirations: [{ prefix: '/runs/', days: 1 }] }, 'test/b: expiration prefix "/runs/" must be a key prefix ending with "/", e.g. "runs/".'],
    [{ expirations: [{ prefix: 'runs/ x/', days: 1 }] }, 'expiration prefix "runs/ x/" must be a key prefix'],
  ])('fails when given %j, naming the prop and its range', (props, message) => {
    expect(() => bucket(props)).toThrow(message);
  });

  test.each([
    [{ abortIncompleteUploadDays: 1, noncurrentVersionExpirationDays: 1, expirations: [{ prefix: 'a/', days: 1 }] }],
    [{ abortIncompleteUploadDays: 365, noncurrentVersionExpirationDays: 3650, expirations: [{ prefix: "a-b_c.d!e*f'g(h)/i/", days: 3650 }] }],
  ])('accepts the limits %j', (props) => {
    expect(() => bucket(props)).not.toThrow();
  });

  test('extra policy statements follow the TLS-only deny and are given the bucket ARN', () => {
    const { json } = bucket({
      policyStatements: (arn) => [{ Sid: 'PartnerWrite', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/partner' }, Action: 's3:PutObject', Resource: `${arn}/in/*` }],
    });
    const arn = `\${aws_s3_bucket.${Object.keys(json.resource.aws_s3_bucket)[0]}.arn}`;
    const statements = JSON.parse(onlyResource(json, 'aws_s3_bucket_policy').policy).Statement;
    expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual(['DenyInsecureTransport', 'PartnerWrite']);
    expect(statements[1].Resource).toBe(`${arn}/in/*`);
  });
});
