import { parsePolicy } from '../iam-document';
import { found, Rule, violation, Violation } from '../rule';
import { block, blocks, isLiteral, isToken, literalNumber, StackIndex, TfResource } from '../tf';

/** The companion resources of a bucket (`bucket = "${aws_s3_bucket.x.id}"`, `.bucket`, or the same literal name). */
const companions = (stack: StackIndex, type: string, bucket: TfResource) => stack.referencing(type, 'bucket', bucket, 'bucket');

/** S3 server access logs cannot be written to SSE-KMS buckets, so log-target buckets may use SSE-S3. */
const isAccessLogTarget = (stack: StackIndex, bucket: TfResource) => stack.referencing('aws_s3_bucket_logging', 'target_bucket', bucket, 'bucket').length > 0;

function missing(bucket: TfResource, type: string, what: string): Violation {
  return violation(`no ${type} refers to this bucket`, `add a ${type} with bucket = "\${${bucket.address}.id}" and ${what}`);
}

export const s3Rules: Rule[] = [
  {
    id: 'S3-BLOCK-PUBLIC',
    summary: 'a public access block with all four flags true',
    types: ['aws_s3_bucket'],
    check: (b, { stack }) => {
      const blocksFound = companions(stack, 'aws_s3_bucket_public_access_block', b);
      const flags = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
      if (!blocksFound.length) return [missing(b, 'aws_s3_bucket_public_access_block', flags.map((f) => `${f} = true`).join(', '))];
      const bad = flags.filter((f) => !blocksFound.some((p) => isLiteral(p.attrs[f], true)));
      return bad.length
        ? [violation(`${blocksFound[0].address} has ${bad.map((f) => `${f} = ${found(blocksFound[0].attrs[f])}`).join(', ')}`, `set ${bad.join(', ')} = true`)]
        : [];
    },
  },
  {
    id: 'S3-SSE',
    summary: 'a server-side encryption configuration (aws:kms for data buckets)',
    types: ['aws_s3_bucket'],
    check: (b, { stack }) => {
      const configs = companions(stack, 'aws_s3_bucket_server_side_encryption_configuration', b);
      const logTarget = isAccessLogTarget(stack, b);
      const allowed = logTarget ? ['aws:kms', 'aws:kms:dsse', 'AES256'] : ['aws:kms', 'aws:kms:dsse'];
      if (!configs.length) return [missing(b, 'aws_s3_bucket_server_side_encryption_configuration', 'sse_algorithm = "aws:kms" with a CMK')];
      const algorithms = configs.flatMap((c) => blocks(c.attrs.rule).map((rule) => block(rule.apply_server_side_encryption_by_default)?.sse_algorithm));
      return algorithms.some((a) => typeof a === 'string' && allowed.includes(a))
        ? []
        : [
            violation(
              `sse_algorithm is ${algorithms.length ? algorithms.map(found).join(', ') : 'absent'}${logTarget ? '' : ' on a data bucket'}`,
              `set rule.apply_server_side_encryption_by_default.sse_algorithm = "aws:kms" with kms_master_key_id${logTarget ? ' (or "AES256" for this access-log bucket)' : ''}`,
            ),
          ];
    },
  },
  {
    id: 'S3-VERSIONING',
    summary: 'versioning Enabled',
    types: ['aws_s3_bucket'],
    check: (b, { stack }) => {
      const configs = companions(stack, 'aws_s3_bucket_versioning', b);
      if (!configs.length) return [missing(b, 'aws_s3_bucket_versioning', 'versioning_configuration { status = "Enabled" }')];
      const status = block(configs[0].attrs.versioning_configuration)?.status;
      return status === 'Enabled' ? [] : [violation(`versioning status is ${found(status)}`, 'set versioning_configuration.status = "Enabled"')];
    },
  },
  {
    id: 'S3-TLS-ONLY',
    summary: 'bucket policy denies every s3 action on the bucket and its objects when aws:SecureTransport = false',
    types: ['aws_s3_bucket'],
    // AWS's TLS-only policy (Knowledge Center "s3-bucket-policy-for-config-rule", the s3-bucket-ssl-requests-only
    // rule): Effect Deny, Principal "*", Action "s3:*", Resource both the bucket ARN and "<bucket ARN>/*", condition
    // Bool aws:SecureTransport "false". An Allow on "false" or a Deny on "true" lets plain HTTP in; a Deny narrowed to
    // one action, or to the bucket or the objects ARN alone, leaves the other requests open to plain HTTP. The
    // SecureTransport test must be the statement's only condition: IAM ANDs a statement's conditions, so a second one
    // (say aws:PrincipalAccount) narrows the Deny and leaves plain HTTP open to every request that does not match it.
    check: (b, { stack }) => {
      const policies = companions(stack, 'aws_s3_bucket_policy', b);
      const fix = `add a bucket policy statement: Effect Deny, Principal "*", Action "s3:*", Resource ["\${${b.address}.arn}", "\${${b.address}.arn}/*"], Condition { Bool: { "aws:SecureTransport": "false" } }`;
      if (!policies.length) return [missing(b, 'aws_s3_bucket_policy', 'a statement denying requests without TLS')];
      const name = typeof b.attrs.bucket === 'string' && !isToken(b.attrs.bucket) ? b.attrs.bucket : undefined;
      const bucketArns = [`\${${b.address}.arn}`, ...(name ? [`arn:aws:s3:::${name}`] : [])];
      const covers = (resources: string[], suffix: string) =>
        resources.some((r) => r === '*' || r === 'arn:aws:s3:::*' || bucketArns.some((arn) => r === `${arn}${suffix}`));
      const missingParts: string[] = [];
      for (const p of policies) {
        const doc = parsePolicy(p.attrs.policy, stack);
        if (doc.error !== undefined) return [violation(`${p.address}: ${doc.error}`, fix)];
        const tlsDenies = doc.statements.filter(
          (s) =>
            s.effect === 'Deny' &&
            s.principals.some((pr) => pr.ids.includes('*')) &&
            s.conditions.length > 0 &&
            s.conditions.every((c) => /^Bool(IfExists)?$/.test(c.operator) && c.key === 'aws:SecureTransport' && c.values.length === 1 && c.values[0] === 'false'),
        );
        if (!tlsDenies.length) continue;
        const allActions = tlsDenies.filter((s) => s.notActions.length === 0 && s.actions.some((a) => a === 's3:*' || a === '*'));
        if (!allActions.length) {
          missingParts.push(`${p.address} denies plain HTTP only for ${tlsDenies.flatMap((s) => s.actions.concat(s.notActions.map((a) => `NotAction ${a}`))).join(', ')}, not "s3:*"`);
          continue;
        }
        const resources = allActions.filter((s) => s.notResources.length === 0).flatMap((s) => s.resources);
        const gaps = [covers(resources, '') ? undefined : 'the bucket ARN', covers(resources, '/*') ? undefined : 'its objects ("<bucket ARN>/*")'].filter(Boolean);
        if (!gaps.length) return [];
        missingParts.push(`${p.address} denies plain HTTP on ${resources.join(', ') || 'no resource'} but not on ${gaps.join(' or ')}`);
      }
      return [violation(missingParts.length ? missingParts.join('; ') : `${policies.map((p) => p.address).join(', ')} does not deny requests with aws:SecureTransport = false`, fix)];
    },
  },
  {
    id: 'S3-LIFECYCLE',
    summary: 'lifecycle rule aborts incomplete multipart uploads',
    types: ['aws_s3_bucket'],
    check: (b, { stack }) => {
      const configs = companions(stack, 'aws_s3_bucket_lifecycle_configuration', b);
      const fix = 'add a lifecycle rule { status = "Enabled", abort_incomplete_multipart_upload { days_after_initiation = 7 } }';
      if (!configs.length) return [missing(b, 'aws_s3_bucket_lifecycle_configuration', 'a rule aborting incomplete multipart uploads')];
      const ok = configs.some((c) =>
        blocks(c.attrs.rule).some((rule) => rule.status === 'Enabled' && literalNumber(block(rule.abort_incomplete_multipart_upload)?.days_after_initiation) !== undefined),
      );
      return ok ? [] : [violation('no enabled lifecycle rule with abort_incomplete_multipart_upload.days_after_initiation', fix)];
    },
  },
];
