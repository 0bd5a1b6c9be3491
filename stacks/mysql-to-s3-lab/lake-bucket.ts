import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { MigrationStack, newKmsKey } from '../../modules/core';
import { DmsBucketRef } from '../../modules/dms-migration';

/**
 * The lab's data-lake bucket (step 3, made safe): SSE-KMS with a CMK, versioned, public access blocked,
 * TLS-only, incomplete uploads aborted, old versions expired.
 */
export class LakeBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly ref: DmsBucketRef;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = MigrationStack.of(this);
    this.key = newKmsKey(this, 'key', 'lake', 'Encrypts the retail data lake written by DMS');
    this.bucket = new S3Bucket(this, 'bucket', { bucket: stack.naming.name('lake', 's3Bucket'), forceDestroy: false });
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
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'abort-incomplete-uploads-and-expire-old-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          noncurrentVersionExpiration: [{ noncurrentDays: stack.production ? 90 : 30 }],
        },
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
    this.ref = { bucketName: this.bucket.bucket, bucketArn: this.bucket.arn, kmsKeyArn: this.key.arn };
  }
}
