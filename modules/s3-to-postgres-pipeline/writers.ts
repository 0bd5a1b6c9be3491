import { Construct } from 'constructs';
import { isResolved, MigrationStack, ValidationError } from '../core';
import type { PartnerWriter, PipelineRoute } from './props';

/** A partner writer after validation: its IAM principal ARN and the prefixes it may write. */
export interface ResolvedWriter {
  readonly principalArn: string;
  readonly prefixes: readonly string[];
}

const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role ARN (path allowed): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns */
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * What S3 needs from a writer for single and multipart uploads: `s3:PutObject` authorizes PutObject,
 * CreateMultipartUpload, UploadPart and CompleteMultipartUpload; AbortMultipartUpload and ListParts have their own
 * actions ("Multipart upload API and permissions",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions). No read, list or delete.
 */
export const PARTNER_S3_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'] as const;

/**
 * What S3 asks KMS for on the writer's behalf with SSE-KMS: GenerateDataKey for each object (or part), Decrypt to
 * complete a multipart upload (S3 User Guide, "Multipart upload API and permissions"; "Using server-side encryption
 * with AWS KMS keys"). S3 never calls kms:Encrypt for SSE-KMS, so it is not granted.
 */
export const PARTNER_KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/**
 * Validates `writers` at synth: the principal is a 12-digit account id (allowed as `arn:<partition>:iam::<id>:root`,
 * i.e. whomever that account's IAM allows) or a role ARN; every prefix is a routed prefix or under one, so a partner
 * cannot write where no route loads (or outside the bucket's notifications).
 */
export function partnerWriters(scope: Construct, writers: readonly PartnerWriter[], routes: readonly PipelineRoute[], partition: string): ResolvedWriter[] {
  const routed = [...new Set(routes.map((r) => r.prefix))];
  return writers.map((w, i) => {
    const where = `writers[${i}]`;
    let principalArn: string;
    if (!isResolved(w.principal)) principalArn = w.principal;
    else if (ACCOUNT_ID.test(w.principal)) principalArn = `arn:${partition}:iam::${w.principal}:root`;
    else if (ROLE_ARN.test(w.principal)) principalArn = w.principal;
    else {
      throw new ValidationError(
        scope,
        `${where}.principal "${w.principal}" must be a 12-digit AWS account id (e.g. "123456789012") or an IAM role ARN (e.g. "arn:aws:iam::123456789012:role/uploader").`,
      );
    }
    if (!w.prefixes.length) throw new ValidationError(scope, `${where}.prefixes is empty; list the routed prefixes it may write, e.g. ["${routed[0] ?? 'people/'}"].`);
    for (const prefix of w.prefixes) {
      if (!isResolved(prefix)) continue;
      if (!routed.some((r) => prefix.startsWith(r)) || /[*?]/.test(prefix)) {
        throw new ValidationError(
          scope,
          `${where}.prefixes: "${prefix}" is not a routed prefix or under one (routes: ${routed.map((r) => `"${r}"`).join(', ')}); a partner may write only where a route loads. No wildcards.`,
        );
      }
    }
    return { principalArn, prefixes: [...new Set(w.prefixes)] };
  });
}

/**
 * Bucket policy statements for partner writers: Allow the upload actions on their prefixes only. Object ownership
 * needs no ACL condition: the landing bucket is `BucketOwnerEnforced` (modules/core SecureBucket), so ACLs are
 * disabled, the bucket owner owns every object a partner writes, and S3 refuses a PUT carrying any ACL other than
 * bucket-owner-full-control (S3 User Guide, "Controlling ownership of objects and disabling ACLs for your bucket",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html). A Deny keeps objects readable by
 * the loader: a PUT naming another KMS key than the bucket's is refused (without the header, default encryption uses
 * the bucket's key).
 */
export function partnerBucketStatements(writers: readonly ResolvedWriter[], bucketArn: string, kmsKeyArn: string): Record<string, unknown>[] {
  return writers.flatMap((w, i) => {
    const resources = w.prefixes.map((p) => `${bucketArn}/${p}*`);
    return [
      { Sid: `PartnerWrite${i}`, Effect: 'Allow', Principal: { AWS: w.principalArn }, Action: [...PARTNER_S3_ACTIONS], Resource: resources },
      {
        Sid: `PartnerWrite${i}BucketKeyOnly`,
        Effect: 'Deny',
        Principal: { AWS: w.principalArn },
        Action: 's3:PutObject',
        Resource: resources,
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': kmsKeyArn } },
      },
    ];
  });
}

/**
 * The landing key's policy when partners write: the default statement that lets this account's IAM policies grant
 * the key (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html; the loader and Postgres
 * keep their grants through it), plus, per writer, GenerateDataKey and Decrypt only when S3 calls KMS for it
 * (`kms:ViaService` = `s3.<region>.amazonaws.com`, https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service)
 * and only for this bucket: with S3 Bucket Keys the encryption context is the bucket ARN
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html). Cross-account use of a key needs the key
 * policy and the other account's IAM policy (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
 */
export function landingKeyPolicy(writers: readonly ResolvedWriter[], bucketArn: string, stack: MigrationStack): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EnableIamPolicies',
        Effect: 'Allow',
        Principal: { AWS: `arn:${stack.partition}:iam::${stack.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'PartnerWritesThroughS3',
        Effect: 'Allow',
        Principal: { AWS: [...new Set(writers.map((w) => w.principalArn))] },
        Action: [...PARTNER_KMS_ACTIONS],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': bucketArn },
        },
      },
    ],
  };
}
