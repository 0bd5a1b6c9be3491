import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client for the s3rver started by global-setup.mjs (checksums only when required: s3rver corrupts streamed uploads otherwise).
 * What S3 does that s3rver does not: versioning (see the versioned double in test/integration/s3-to-postgres/faults.test.ts),
 * SSE-KMS and bucket policies (TLS-only, for instance), signature checks (global-setup allows mismatched signatures),
 * event notifications (tests build the events with `s3Event`), and strong read-after-write across a real network.
 */
export function testS3Client(): S3Client {
  return new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    region: process.env.AWS_REGION,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-${process.pid}-${Date.now() % 1000000}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Puts an object and returns its ETag (s3rver has no versioning). */
export async function putObject(s3: S3Client, bucket: string, key: string, body: string | Buffer): Promise<string> {
  const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return (out.ETag ?? '').replace(/"/g, '');
}

/** An S3 event record as S3 sends it: key URL-encoded with spaces as '+'. */
export function s3Event(bucket: string, key: string, opts: { eTag?: string; versionId?: string; size?: number } = {}) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: process.env.AWS_REGION ?? 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'),
            size: opts.size ?? 0,
            eTag: opts.eTag,
            versionId: opts.versionId,
            sequencer: '0',
          },
        },
      },
    ],
  };
}
