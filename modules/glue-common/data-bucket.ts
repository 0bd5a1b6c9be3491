import { Construct } from 'constructs';
import { SecureBucket } from '../core';
import { GlueBucketRef, GlueDataBucketProps } from './props';

/**
 * A private bucket for Glue scripts and staged data (core's `SecureBucket`: SSE-KMS with the given CMK, versioned,
 * public access blocked, TLS-only, incomplete multipart uploads aborted and old versions expired), plus the
 * reference Glue modules pass around.
 */
export class GlueDataBucket extends SecureBucket {
  readonly ref: GlueBucketRef;

  constructor(scope: Construct, id: string, props: GlueDataBucketProps) {
    super(scope, id, { ...props, noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 30 });
    this.ref = { bucketName: this.bucket.bucket, bucketArn: this.bucket.arn, kmsKeyArn: props.kmsKeyArn };
  }
}
