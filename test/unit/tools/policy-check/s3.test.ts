import { cases, findingsOf, messagesOf, Resources, withAttrs } from './helpers';

const tlsPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['${aws_s3_bucket.raw.arn}', '${aws_s3_bucket.raw.arn}/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

type Companions = Partial<Record<'pab' | 'sse' | 'versioning' | 'policy' | 'lifecycle', Record<string, unknown> | null>>;

/** A data bucket with every companion resource; `changes` patches (or, with null, drops) one of them. */
function bucket(changes: Companions = {}, ref = '${aws_s3_bucket.raw.id}'): Resources {
  const base = {
    pab: { bucket: ref, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    sse: { bucket: ref, rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.key.arn}' }, bucket_key_enabled: true }] },
    versioning: { bucket: ref, versioning_configuration: { status: 'Enabled' } },
    policy: { bucket: ref, policy: tlsPolicy },
    lifecycle: { bucket: ref, rule: [{ id: 'abort-mpu', status: 'Enabled', filter: {}, abort_incomplete_multipart_upload: { days_after_initiation: 7 } }] },
  };
  const part = (k: keyof typeof base) => {
    const c = changes[k];
    if (c === null) return {};
    return { [k]: c ? withAttrs(base[k] as never, c) : base[k] };
  };
  return {
    aws_s3_bucket: { raw: { bucket: 'demo-staging-raw' } },
    aws_s3_bucket_public_access_block: part('pab') as never,
    aws_s3_bucket_server_side_encryption_configuration: part('sse') as never,
    aws_s3_bucket_versioning: part('versioning') as never,
    aws_s3_bucket_policy: part('policy') as never,
    aws_s3_bucket_lifecycle_configuration: part('lifecycle') as never,
  };
}

const S3_RULES = ['S3-BLOCK-PUBLIC', 'S3-SSE', 'S3-VERSIONING', 'S3-TLS-ONLY', 'S3-LIFECYCLE'];

describe('S3 rules', () => {
  test.each(S3_RULES)('%s passes a bucket with every companion resource', (rule) => {
    expect(findingsOf(rule, bucket())).toEqual([]);
  });

  test.each(S3_RULES)('%s follows `.bucket` references and literal bucket names too', (rule) => {
    expect(findingsOf(rule, bucket({}, '${aws_s3_bucket.raw.bucket}'))).toEqual([]);
    expect(findingsOf(rule, bucket({}, 'demo-staging-raw'))).toEqual([]);
  });

  test.each([
    ['S3-BLOCK-PUBLIC', 'pab'],
    ['S3-SSE', 'sse'],
    ['S3-VERSIONING', 'versioning'],
    ['S3-TLS-ONLY', 'policy'],
    ['S3-LIFECYCLE', 'lifecycle'],
  ] as const)('%s fails when the companion resource is absent', (rule, part) => {
    expect(messagesOf(rule, bucket({ [part]: null }))).toMatch(/aws_s3_bucket.raw: no aws_s3_bucket_\w+ refers to this bucket -> add a/);
  });

  test('a companion of another bucket does not count', () => {
    expect(messagesOf('S3-VERSIONING', bucket({}, '${aws_s3_bucket.other.id}'))).toMatch(/no aws_s3_bucket_versioning refers to this bucket/);
  });

  test.each(cases([
    ['pab', { restrict_public_buckets: false }, /restrict_public_buckets = false -> set restrict_public_buckets = true/],
    ['pab', { block_public_acls: undefined }, /block_public_acls = absent/],
    ['pab', { ignore_public_acls: '${var.ignore}' }, /ignore_public_acls = an expression resolved only at plan/],
  ] as const))('S3-BLOCK-PUBLIC (%s) fails when %s', (part, _, changes, message) => {
    expect(messagesOf('S3-BLOCK-PUBLIC', bucket({ [part]: changes }))).toMatch(message);
  });

  test('S3-SSE fails when a data bucket uses SSE-S3, but accepts it for an access-log target', () => {
    const aes = bucket({ sse: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] } });
    expect(messagesOf('S3-SSE', aes)).toMatch(/sse_algorithm is "AES256" on a data bucket/);
    const logTarget = { ...aes, aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.other.id}', target_bucket: '${aws_s3_bucket.raw.id}', target_prefix: 'raw/' } } };
    expect(findingsOf('S3-SSE', logTarget)).toEqual([]);
  });

  test('S3-SSE on an access-log target allows SSE-S3 beside the KMS algorithms, not instead of them; other algorithms still fail', () => {
    const logging = { aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.other.id}', target_bucket: '${aws_s3_bucket.raw.id}', target_prefix: 'raw/' } } };
    for (const algorithm of ['aws:kms', 'aws:kms:dsse']) {
      const resources = { ...bucket({ sse: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm } }] } }), ...logging };
      expect(findingsOf('S3-SSE', resources)).toEqual([]);
    }
    // A logging configuration may name its target bucket by name rather than by reference.
    const byName = { ...bucket({ sse: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] } }), aws_s3_bucket_logging: { l: { bucket: 'other', target_bucket: 'demo-staging-raw' } } };
    expect(findingsOf('S3-SSE', byName)).toEqual([]);
    const fsx = { ...bucket({ sse: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:fsx' } }] } }), ...logging };
    expect(messagesOf('S3-SSE', fsx)).toMatch(/sse_algorithm is "aws:fsx"/);
  });

  test('S3-SSE fails when no rule sets an algorithm', () => {
    expect(messagesOf('S3-SSE', bucket({ sse: { rule: [] } }))).toMatch(/sse_algorithm is absent/);
  });

  test('a missing companion names the resource to add, pointing at the bucket, with the settings it needs', () => {
    expect(messagesOf('S3-BLOCK-PUBLIC', bucket({ pab: null }))).toMatch(
      /-> add a aws_s3_bucket_public_access_block with bucket = "\$\{aws_s3_bucket.raw.id\}" and block_public_acls = true, block_public_policy = true, ignore_public_acls = true, restrict_public_buckets = true$/,
    );
    expect(messagesOf('S3-SSE', bucket({ sse: null }))).toMatch(/-> add a aws_s3_bucket_server_side_encryption_configuration with bucket = "\$\{aws_s3_bucket.raw.id\}" and sse_algorithm = "aws:kms" with a CMK$/);
    expect(messagesOf('S3-VERSIONING', bucket({ versioning: null }))).toMatch(/and versioning_configuration \{ status = "Enabled" \}$/);
    expect(messagesOf('S3-LIFECYCLE', bucket({ lifecycle: null }))).toMatch(/and a rule aborting incomplete multipart uploads$/);
  });

  test('S3-BLOCK-PUBLIC names every flag that is not true, in one finding', () => {
    expect(messagesOf('S3-BLOCK-PUBLIC', bucket({ pab: { block_public_acls: false, block_public_policy: undefined } }))).toBe(
      'aws_s3_bucket.raw: aws_s3_bucket_public_access_block.pab has block_public_acls = false, block_public_policy = absent -> set block_public_acls, block_public_policy = true',
    );
  });

  test('S3-SSE accepts dual-layer KMS (aws:kms:dsse) and names every algorithm it found', () => {
    expect(findingsOf('S3-SSE', bucket({ sse: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms:dsse' } }] } }))).toEqual([]);
    const two = bucket({ sse: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }, { apply_server_side_encryption_by_default: { sse_algorithm: '${var.algorithm}' } }] } });
    expect(messagesOf('S3-SSE', two)).toMatch(
      /sse_algorithm is "AES256", an expression resolved only at plan .* on a data bucket -> set rule.apply_server_side_encryption_by_default.sse_algorithm = "aws:kms" with kms_master_key_id$/,
    );
  });

  test('S3-SSE on an access-log target without an algorithm offers AES256 and does not call it a data bucket', () => {
    const resources = { ...bucket({ sse: { rule: [] } }), aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.other.id}', target_bucket: '${aws_s3_bucket.raw.id}' } } };
    expect(messagesOf('S3-SSE', resources)).toBe(
      'aws_s3_bucket.raw: sse_algorithm is absent -> set rule.apply_server_side_encryption_by_default.sse_algorithm = "aws:kms" with kms_master_key_id (or "AES256" for this access-log bucket)',
    );
  });

  test('S3-VERSIONING fails when versioning is suspended', () => {
    expect(messagesOf('S3-VERSIONING', bucket({ versioning: { versioning_configuration: { status: 'Suspended' } } }))).toMatch(/versioning status is "Suspended"/);
  });

  test('S3-TLS-ONLY fails when the policy does not deny plain HTTP', () => {
    const allowOnly = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: '*' }] });
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: allowOnly } }))).toMatch(/does not deny requests with aws:SecureTransport = false/);
  });

  /** The TLS-deny statement with one field changed (AWS's form: Knowledge Center "s3-bucket-policy-for-config-rule"). */
  const tlsWith = (changes: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [withAttrs(JSON.parse(tlsPolicy).Statement[0], changes)] });

  test.each([
    ['an Allow with aws:SecureTransport = false', { Effect: 'Allow' }, /does not deny requests with aws:SecureTransport = false/],
    ['a Deny on aws:SecureTransport = "true"', { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, /does not deny requests with aws:SecureTransport = false/],
    ['a Deny for one principal only', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }, /does not deny requests with aws:SecureTransport = false/],
    ['a Deny limited to one action', { Action: 's3:GetObject' }, /denies plain HTTP only for s3:GetObject, not "s3:\*"/],
    ['a Deny limited to two actions', { Action: ['s3:GetObject', 's3:PutObject'] }, /denies plain HTTP only for s3:GetObject, s3:PutObject, not "s3:\*"/],
    ['a Deny on two other buckets', { Resource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] }, /denies plain HTTP on arn:aws:s3:::a\/\*, arn:aws:s3:::b\/\* but not on the bucket ARN or its objects/],
    ['a Deny with NotAction', { Action: undefined, NotAction: 's3:ListBucket' }, /denies plain HTTP only for NotAction s3:ListBucket, not "s3:\*"/],
    ['a Deny on the bucket ARN only', { Resource: '${aws_s3_bucket.raw.arn}' }, /not on its objects \("<bucket ARN>\/\*"\)/],
    ['a Deny on the objects only', { Resource: '${aws_s3_bucket.raw.arn}/*' }, /denies plain HTTP on \$\{aws_s3_bucket.raw.arn\}\/\* but not on the bucket ARN -> /],
    ['a Deny on another bucket', { Resource: ['${aws_s3_bucket.other.arn}', '${aws_s3_bucket.other.arn}/*'] }, /but not on the bucket ARN or its objects/],
  ] as const)('S3-TLS-ONLY fails on %s', (_, changes, message) => {
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith(changes) } }))).toMatch(message);
  });

  test('S3-TLS-ONLY accepts the statement split in two, literal bucket ARNs, "*" resources and BoolIfExists', () => {
    const split = JSON.stringify({
      Statement: [
        withAttrs(JSON.parse(tlsPolicy).Statement[0], { Resource: 'arn:aws:s3:::demo-staging-raw' }),
        withAttrs(JSON.parse(tlsPolicy).Statement[0], { Resource: 'arn:aws:s3:::demo-staging-raw/*', Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }),
      ],
    });
    expect(findingsOf('S3-TLS-ONLY', bucket({ policy: { policy: split } }))).toEqual([]);
    expect(findingsOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith({ Resource: '*', Principal: { AWS: '*' } }) } }))).toEqual([]);
  });

  // Mutation testing (issue 19): the wildcard forms AWS accepts, and a Deny scoped by NotResource.
  test.each([
    ['Action "*" (every action of every service includes every s3 action)', { Action: '*' }],
    ['Resource "arn:aws:s3:::*" (every bucket and every object)', { Resource: 'arn:aws:s3:::*' }],
    ['Action given as a list holding "s3:*"', { Action: ['s3:GetObject', 's3:*'] }],
  ] as const)('S3-TLS-ONLY accepts %s', (_, changes) => {
    expect(findingsOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith(changes) } }))).toEqual([]);
  });

  test('S3-TLS-ONLY fails on a Deny scoped by NotResource, which names no resource it covers', () => {
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith({ Resource: undefined, NotResource: 'arn:aws:s3:::elsewhere/*' }) } }))).toMatch(
      /denies plain HTTP on no resource but not on the bucket ARN or its objects/,
    );
  });

  // Second Stryker run: the condition must be exactly Bool aws:SecureTransport "false"; anything else is not the TLS rule.
  test.each([
    ['a Deny on another Bool key (aws:ViaAWSService = false)', { Condition: { Bool: { 'aws:ViaAWSService': 'false' } } }],
    ['a Deny whose operator is Null (denies every request that carries the key)', { Condition: { Null: { 'aws:SecureTransport': 'false' } } }],
    ['a Deny on both values ["false", "true"] (denies every request: not a TLS rule)', { Condition: { Bool: { 'aws:SecureTransport': ['false', 'true'] } } }],
  ] as const)('S3-TLS-ONLY fails on %s', (_, changes) => {
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith(changes) } }))).toMatch(
      /aws_s3_bucket_policy\.\w+ does not deny requests with aws:SecureTransport = false/,
    );
  });

  test('S3-TLS-ONLY fails on a Deny narrowed by a second condition (conditions are ANDed: plain HTTP stays open to everyone else)', () => {
    const narrowed = tlsWith({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:PrincipalAccount': '111122223333' } } });
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: narrowed } }))).toMatch(/does not deny requests with aws:SecureTransport = false/);
  });

  test('S3-TLS-ONLY fails on a Deny without any condition (it denies every request, not only plain HTTP), naming the statement to add', () => {
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith({ Condition: undefined }) } }))).toContain(
      'does not deny requests with aws:SecureTransport = false -> add a bucket policy statement: Effect Deny, Principal "*", Action "s3:*", Resource ["${aws_s3_bucket.raw.arn}", "${aws_s3_bucket.raw.arn}/*"], Condition { Bool: { "aws:SecureTransport": "false" } }',
    );
  });

  test('S3-TLS-ONLY accepts Principal {"AWS": "*"} next to a service principal', () => {
    expect(findingsOf('S3-TLS-ONLY', bucket({ policy: { policy: tlsWith({ Principal: { Service: 'logging.s3.amazonaws.com', AWS: '*' } }) } }))).toEqual([]);
  });

  test('S3-TLS-ONLY names the statement to add when the bucket has no policy', () => {
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: null }))).toContain(
      'no aws_s3_bucket_policy refers to this bucket -> add a aws_s3_bucket_policy with bucket = "${aws_s3_bucket.raw.id}" and a statement denying requests without TLS',
    );
  });

  test('S3-TLS-ONLY fails when the policy is an unparseable token', () => {
    expect(messagesOf('S3-TLS-ONLY', bucket({ policy: { policy: '${jsonencode(local.policy)}' } }))).toMatch(/policy must be a literal JSON document so it can be reviewed/);
  });

  test('S3-TLS-ONLY reads a data.aws_iam_policy_document', () => {
    const data = {
      aws_iam_policy_document: {
        tls: {
          statement: [
            {
              effect: 'Deny',
              actions: ['s3:*'],
              resources: ['${aws_s3_bucket.raw.arn}', '${aws_s3_bucket.raw.arn}/*'],
              principals: [{ type: '*', identifiers: ['*'] }],
              condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
            },
          ],
        },
      },
    };
    const resources = bucket({ policy: { policy: '${data.aws_iam_policy_document.tls.json}' } });
    expect(findingsOf('S3-TLS-ONLY', resources, { data })).toEqual([]);
  });

  test('S3-VERSIONING names the fix; S3-LIFECYCLE needs a literal number of days and names its fix', () => {
    expect(messagesOf('S3-VERSIONING', bucket({ versioning: { versioning_configuration: undefined } }))).toMatch(/versioning status is absent -> set versioning_configuration.status = "Enabled"$/);
    const expression = bucket({ lifecycle: { rule: [{ id: 'x', status: 'Enabled', abort_incomplete_multipart_upload: { days_after_initiation: '${var.days}' } }] } });
    expect(messagesOf('S3-LIFECYCLE', expression)).toBe(
      'aws_s3_bucket.raw: no enabled lifecycle rule with abort_incomplete_multipart_upload.days_after_initiation -> add a lifecycle rule { status = "Enabled", abort_incomplete_multipart_upload { days_after_initiation = 7 } }',
    );
    const second = bucket({ lifecycle: { rule: [{ id: 'expire', status: 'Enabled', expiration: { days: 30 } }, { id: 'abort', status: 'Enabled', abort_incomplete_multipart_upload: { days_after_initiation: 7 } }] } });
    expect(findingsOf('S3-LIFECYCLE', second)).toEqual([]);
  });

  test('S3-LIFECYCLE fails when the abort rule is disabled or missing', () => {
    const disabled = bucket({ lifecycle: { rule: [{ id: 'x', status: 'Disabled', abort_incomplete_multipart_upload: { days_after_initiation: 7 } }] } });
    expect(messagesOf('S3-LIFECYCLE', disabled)).toMatch(/no enabled lifecycle rule with abort_incomplete_multipart_upload/);
    const expiryOnly = bucket({ lifecycle: { rule: [{ id: 'x', status: 'Enabled', expiration: { days: 30 } }] } });
    expect(messagesOf('S3-LIFECYCLE', expiryOnly)).toMatch(/no enabled lifecycle rule/);
  });
});
