import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { newKmsKey, SecureBucket } from '../../modules/core';
import { DmsBucketRef } from '../../modules/dms-migration';

/**
 * The lab's data-lake bucket (step 3, made safe): core's `SecureBucket` (SSE-KMS with a CMK, versioned, public
 * access blocked, TLS-only, incomplete uploads aborted, old versions expired) with its own key.
 */
export class LakeBucket extends Construct {
  readonly key: KmsKey;
  readonly lake: SecureBucket;
  readonly ref: DmsBucketRef;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = newKmsKey(this, 'key', 'lake', 'Encrypts the retail data lake written by DMS');
    this.lake = new SecureBucket(this, 'lake', { component: 'lake', kmsKeyArn: this.key.arn });
    this.ref = { bucketName: this.lake.bucketName, bucketArn: this.lake.bucketArn, kmsKeyArn: this.key.arn };
  }

  get bucket() {
    return this.lake.bucket;
  }
}
