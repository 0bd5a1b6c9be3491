import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GzipFormatError } from './csv';

/** The object an event points at. `versionId`/`eTag` come from the event (either may be absent). */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly eTag?: string;
}

/** What was actually read: the identity recorded in the ledger comes from here, not from the event. */
export interface ObjectIdentity {
  readonly eTag: string;
  /** Present for objects in versioned buckets. */
  readonly versionId?: string;
  readonly size?: number;
}

export interface OpenedObject extends ObjectIdentity {
  readonly body: Readable;
  /** The object's `Content-Encoding` metadata as GetObject returns it (e.g. `gzip`), if any. */
  readonly contentEncoding?: string;
}

/** True when `Content-Encoding` lists gzip (S3 returns the metadata as set at upload, e.g. `gzip`). */
export function hasGzipEncoding(contentEncoding: string | undefined): boolean {
  return (contentEncoding ?? '').split(',').some((e) => e.trim().toLowerCase() === 'gzip');
}

/** The stream strategy decompresses keys ending in `.gz` and objects stored with `Content-Encoding: gzip`. */
export function isGzipped(key: string, contentEncoding: string | undefined): boolean {
  return key.endsWith('.gz') || hasGzipEncoding(contentEncoding);
}

/**
 * The decompressed bytes of a gzip body, streamed (zlib keeps a bounded window: memory stays flat). zlib's errors
 * (a truncated object: "unexpected end of file"; not gzip: "incorrect header check"; a bad checksum) come out as
 * GzipFormatError, the file's fault; a failed S3 read comes out unchanged (retryable). Destroying the result
 * destroys the S3 body.
 */
export function gunzipBody(body: Readable): Readable {
  const gunzip = createGunzip();
  const out = new PassThrough({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
  body.on('error', (err) => out.destroy(err));
  gunzip.on('error', (err) => out.destroy(new GzipFormatError(err.message)));
  out.on('close', () => {
    body.destroy();
    gunzip.destroy();
  });
  body.pipe(gunzip).pipe(out);
  return out;
}

/** Result of opening: the object, or why it cannot be read. */
export type OpenResult =
  | { readonly status: 'ok'; readonly object: OpenedObject }
  | { readonly status: 'missing' }
  /** The key now holds other content than the event announced (overwritten since): its own event will load it. */
  | { readonly status: 'superseded'; readonly current?: string };

/** Reading objects; the S3 implementation is below, tests pass fakes (e.g. a versioned store). */
export interface ObjectSource {
  /** Opens the object at the event's version (or, unversioned, only if its ETag still matches the event). */
  open(ref: ObjectRef): Promise<OpenResult>;
  /** Reads the first `bytes` bytes (for the header when Postgres imports the object itself). */
  openRange(ref: ObjectRef, bytes: number): Promise<OpenResult>;
  /** The identity of the object now (server-side imports read the current version). */
  head(ref: ObjectRef): Promise<ObjectIdentity | undefined>;
}

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/"/g, '');
/** S3 reports `null` as the version of objects written while versioning was off. */
const realVersion = (v: string | undefined): string | undefined => (v && v !== 'null' ? v : undefined);

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NoSuchVersion' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function isPreconditionFailed(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

/** Reads objects with the AWS SDK (endpoint and path style from `createS3Client`). */
export class S3ObjectSource implements ObjectSource {
  constructor(private readonly s3: S3Client) {}

  open(ref: ObjectRef): Promise<OpenResult> {
    return this.get(ref);
  }

  openRange(ref: ObjectRef, bytes: number): Promise<OpenResult> {
    return this.get(ref, `bytes=0-${bytes - 1}`);
  }

  async head(ref: ObjectRef): Promise<ObjectIdentity | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return { eTag: unquote(out.ETag), versionId: realVersion(out.VersionId), size: out.ContentLength };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  private async get(ref: ObjectRef, range?: string): Promise<OpenResult> {
    try {
      const out = await this.s3.send(
        new GetObjectCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          VersionId: ref.versionId,
          // Unversioned: read only the content the event announced; a newer write has its own event.
          IfMatch: !ref.versionId && ref.eTag ? `"${ref.eTag}"` : undefined,
          Range: range,
        }),
      );
      const body = out.Body as Readable;
      const eTag = unquote(out.ETag);
      // Some S3-compatible servers ignore If-Match: check the ETag read against the event's too.
      if (!ref.versionId && ref.eTag && eTag && eTag !== ref.eTag) {
        body.destroy();
        return { status: 'superseded', current: eTag };
      }
      return {
        status: 'ok',
        object: { body, eTag, versionId: realVersion(out.VersionId) ?? ref.versionId, size: out.ContentLength, contentEncoding: out.ContentEncoding },
      };
    } catch (err) {
      if (isMissing(err)) return { status: 'missing' };
      if (isPreconditionFailed(err)) return { status: 'superseded' };
      throw err;
    }
  }
}
