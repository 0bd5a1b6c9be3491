import { S3Client } from '@aws-sdk/client-s3';

/**
 * S3 client from the default AWS SDK chain. Honours `AWS_ENDPOINT_URL_S3` (SDK built-in) and
 * `S3_FORCE_PATH_STYLE=true` for S3-compatible endpoints. Checksums only when required: some S3-compatible
 * servers mishandle the SDK's default streaming checksums.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
