import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { check, checkRange, isResolved, ValidationError } from './errors';
import { MigrationStack } from './stack';

export interface SecureBucketProps {
  /** Component for the bucket name, e.g. `landing` -> `billing-prod-landing`. */
  readonly component: string;
  /**
   * The bucket's whole name, used as given. S3 names are global across every AWS account, so the generated name
   * (`billing-prod-landing`) may be taken by someone else; this, or `bucketNameSuffix`, picks one that is free.
   * Checked at synth: 3-63 characters, lower-case letters, digits and dashes, starting and ending with a letter or digit.
   * Changing it replaces the bucket. @default `${project}-${environment}-${component}` (plus `bucketNameSuffix`)
   */
  readonly bucketName?: string;
  /**
   * Appended to the generated name to make it globally unique without choosing it whole, e.g. the account id:
   * `billing-prod-landing-123456789012`. Lower-case letters, digits and dashes; the whole name must fit 63 characters.
   * Changing it replaces the bucket. @default none
   */
  readonly bucketNameSuffix?: string;
  /** CMK for default SSE-KMS encryption (bucket key on). */
  readonly kmsKeyArn: string;
  /** @default 7 */
  readonly abortIncompleteUploadDays?: number;
  /** Days before non-current object versions expire. @default 90 in production, 30 otherwise */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Prefixes whose objects expire (e.g. staged copies of database rows): `{ prefix: 'runs/', days: 14 }`.
   * Their non-current versions expire a day later. @default none
   */
  readonly expirations?: readonly { readonly prefix: string; readonly days: number }[];
  /**
   * More bucket policy statements after the TLS-only deny, given the bucket's ARN, e.g. a partner's scoped write
   * access (S3 keeps one policy per bucket, so they go here). @default none
   */
  readonly policyStatements?: (bucketArn: string) => readonly Record<string, unknown>[];
}

/** S3's naming rules (general purpose buckets), in the order a bad name breaks them; undefined when `name` is valid. */
export function s3BucketNameProblem(name: string): string | undefined {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  if (name.length < 3 || name.length > 63) return `it is ${name.length} characters; S3 allows 3 to 63`;
  if (!/^[a-z0-9.-]+$/.test(name)) return 'only lower-case letters, digits, dashes (and dots) are allowed';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'it must start and end with a letter or digit';
  // Dots are legal, but a dotted name breaks HTTPS virtual-hosted-style requests (the certificate covers one label),
  // and every bucket here refuses plain HTTP.
  if (name.includes('.')) return 'dots break HTTPS virtual-hosted-style requests, and these buckets accept TLS only: use dashes';
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (prefix) return `the prefix "${prefix}" is reserved by S3`;
  const suffix = ['-s3alias', '--ol-s3', '--x-s3', '--table-s3'].find((x) => name.endsWith(x));
  if (suffix) return `the suffix "${suffix}" is reserved by S3`;
  return undefined;
}

/** Throws a ValidationError naming `prop` when `name` is resolved and breaks S3's naming rules. */
export function checkS3BucketName(scope: Construct, prop: string, name: string): void {
  if (!isResolved(name)) return;
  const problem = s3BucketNameProblem(name);
  if (problem) {
    throw new ValidationError(
      scope,
      `${prop} "${name}" is not a valid S3 bucket name: ${problem}. Bucket names are global across AWS accounts: 3-63 characters, ` +
        'lower-case letters, digits and dashes, starting and ending with a letter or digit (e.g. "billing-prod-landing-123456789012").',
    );
  }
}

function secureBucketName(scope: Construct, stack: MigrationStack, props: SecureBucketProps): string {
  check(props.bucketName === undefined || props.bucketNameSuffix === undefined, scope, 'give bucketName (the whole name) or bucketNameSuffix (appended to the generated one), not both.');
  if (props.bucketName !== undefined) {
    checkS3BucketName(scope, 'bucketName', props.bucketName);
    return props.bucketName;
  }
  if (props.bucketNameSuffix === undefined) return stack.naming.name(props.component, 's3Bucket');
  const suffix = props.bucketNameSuffix;
  if (isResolved(suffix)) {
    check(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(suffix), scope, `bucketNameSuffix "${suffix}" must be lower-case letters, digits and dashes, starting and ending with a letter or digit (e.g. an account id, "123456789012").`);
  }
  // Not cut to fit: a hash in place of the suffix would hide the part chosen to make the name unique.
  const name = `${stack.naming.prefix}-${props.component}-${suffix}`;
  checkS3BucketName(scope, 'bucket name (generated name + bucketNameSuffix)', name);
  return name;
}

/**
 * A private bucket that passes every S3 rule of the policy check: SSE-KMS with a CMK (bucket key on), versioning,
 * all four public-access blocks, ACLs disabled (BucketOwnerEnforced), a policy denying non-TLS requests, and a
 * lifecycle that aborts incomplete multipart uploads and expires old versions.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    checkRange(this, 'abortIncompleteUploadDays', props.abortIncompleteUploadDays, 1, 365);
    checkRange(this, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays, 1, 3650);
    for (const e of props.expirations ?? []) {
      check(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*\/$/.test(e.prefix), this, `expiration prefix "${e.prefix}" must be a key prefix ending with "/", e.g. "runs/".`);
      checkRange(this, `expiration days for ${e.prefix}`, e.days, 1, 3650);
    }
    this.kmsKeyArn = props.kmsKeyArn;
    this.bucket = new S3Bucket(this, 'bucket', { bucket: secureBucketName(this, stack, props), forceDestroy: false });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'sse', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'abort-incomplete-uploads-and-expire-old-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteUploadDays ?? 7 }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? (stack.production ? 90 : 30) }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
        ...(props.expirations ?? []).map((e) => ({
          id: `expire-${e.prefix.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+$/, '')}`,
          status: 'Enabled',
          filter: [{ prefix: e.prefix }],
          expiration: [{ days: e.days }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        })),
      ],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          ...(props.policyStatements?.(this.bucket.arn) ?? []),
        ],
      }),
    });
  }

  get bucketName(): string {
    return this.bucket.bucket;
  }

  get bucketArn(): string {
    return this.bucket.arn;
  }
}
