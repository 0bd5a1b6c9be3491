import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, check, REPO_ROOT, TerraformAsset } from '../core';
import { GlueBucketRef, GlueScriptProps } from './props';

/** Folder holding every Glue script: `templates/glue/<path>`. */
export const GLUE_TEMPLATES_DIR = path.join(REPO_ROOT, 'templates', 'glue');

/**
 * A script from `templates/glue/<path>` uploaded to S3 at synth-time hash: the object carries the file's
 * SHA-256 as `source_hash` (a changed script is re-uploaded on the next apply) and as metadata, so the
 * deployed version can be checked against the repository.
 */
export class GlueScript extends Construct {
  readonly object: S3Object;
  readonly bucket: GlueBucketRef;
  readonly key: string;
  /** Hex SHA-256 of the script's bytes. */
  readonly sha256: string;
  /** `s3://bucket/key`, for a job's script location or `--extra-py-files`. */
  readonly s3Uri: string;

  constructor(scope: Construct, id: string, props: GlueScriptProps) {
    super(scope, id);
    const normalized = path.posix.normalize(props.path);
    check(
      !normalized.startsWith('..') && !path.isAbsolute(normalized) && normalized === props.path,
      this,
      `path must be relative to templates/glue/ without "..", e.g. "etl/extract.py"; got "${props.path}".`,
    );
    const file = path.join(GLUE_TEMPLATES_DIR, normalized);
    check(fs.existsSync(file) && fs.statSync(file).isFile(), this, `script templates/glue/${props.path} does not exist.`);
    const prefix = props.keyPrefix ?? 'scripts/';
    check(prefix === '' || /^[A-Za-z0-9!_.*'()/-]+\/$/.test(prefix), this, `keyPrefix must end with "/" and use safe S3 key characters, got "${prefix}".`);
    this.sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    this.bucket = props.bucket;
    this.key = `${prefix}${normalized}`;
    this.s3Uri = `s3://${props.bucket.bucketName}/${this.key}`;
    const asset = new TerraformAsset(this, 'asset', { path: file, type: AssetType.FILE });
    this.object = new S3Object(this, 'object', {
      bucket: props.bucket.bucketName,
      key: this.key,
      source: asset.path,
      sourceHash: this.sha256,
      contentType: file.endsWith('.py') ? 'text/x-python' : 'application/octet-stream',
      serverSideEncryption: 'aws:kms',
      kmsKeyId: props.bucket.kmsKeyArn,
      metadata: { sha256: this.sha256 },
    });
  }
}
