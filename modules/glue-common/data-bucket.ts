import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { check, checkRange, MigrationStack } from '../core';
import { GlueBucketRef, GlueDataBucketProps } from './props';

/**
 * A private bucket for Glue scripts and staged data: SSE-KMS with the given CMK (bucket key on), versioned,
 * public access blocked, TLS-only, incomplete multipart uploads aborted and old versions expired.
 */
export class GlueDataBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly ref: GlueBucketRef;

  constructor(scope: Construct, id: string, props: GlueDataBucketProps) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    checkRange(this, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays, 1, 3650);
    for (const e of props.expirations ?? []) {
      check(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*\/$/.test(e.prefix), this, `expiration prefix "${e.prefix}" must be a key prefix ending with "/", e.g. "runs/".`);
      checkRange(this, `expiration days for ${e.prefix}`, e.days, 1, 3650);
    }
    this.bucket = new S3Bucket(this, 'bucket', { bucket: stack.naming.name(props.component, 's3Bucket'), forceDestroy: false });
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
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays ?? 30 }],
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
    this.ref = { bucketName: this.bucket.bucket, bucketArn: this.bucket.arn, kmsKeyArn: props.kmsKeyArn };
  }

  get bucketName(): string {
    return this.bucket.bucket;
  }

  get bucketArn(): string {
    return this.bucket.arn;
  }
}
