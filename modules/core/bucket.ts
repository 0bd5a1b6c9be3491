import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { check, checkRange } from './errors';
import { MigrationStack } from './stack';

export interface SecureBucketProps {
  /** Component for the bucket name, e.g. `landing` -> `billing-prod-landing`. */
  readonly component: string;
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
    this.bucket = new S3Bucket(this, 'bucket', { bucket: stack.naming.name(props.component, 's3Bucket'), forceDestroy: false });
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
