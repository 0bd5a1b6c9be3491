import type { S3Event } from 'aws-lambda';
import type { EventObject } from './load';

/**
 * An S3 "Object Created" event as EventBridge delivers it (bucket with EventBridge notifications enabled, a rule
 * targeting the loader). Shape from "EventBridge event message structure"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html): `detail.bucket.name`,
 * `detail.object.key`, `detail.object.etag`, `detail.object["version-id"]`.
 */
export interface S3EventBridgeEvent {
  readonly source: 'aws.s3';
  readonly 'detail-type': string;
  readonly detail: {
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly etag?: string; readonly 'version-id'?: string; readonly size?: number };
  };
}

/** What the loader accepts: an S3 event notification (records) or one EventBridge event. */
export type LoaderEvent = S3Event | S3EventBridgeEvent;

export function isEventBridgeEvent(event: LoaderEvent): event is S3EventBridgeEvent {
  return (event as S3EventBridgeEvent).source === 'aws.s3' && typeof (event as S3EventBridgeEvent).detail === 'object';
}

/**
 * The objects an event announces. S3 event notification keys are URL-encoded ("red flower.jpg" arrives as
 * "red+flower.jpg": https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html);
 * EventBridge's `detail.object.key` is the key itself (the ev-events page documents no encoding, and a `+` in it is
 * a plus), so it is passed through as is.
 */
export function eventObjects(event: LoaderEvent): EventObject[] {
  if (isEventBridgeEvent(event)) {
    if (event['detail-type'] !== 'Object Created') throw new Error(`unexpected EventBridge event "${event['detail-type']}" from aws.s3; the rule should match only "Object Created"`);
    const o = event.detail.object;
    return [{ bucket: event.detail.bucket.name, rawKey: o.key, keyEncoding: 'none', versionId: o['version-id'], eTag: o.etag }];
  }
  return (event.Records ?? []).map((r) => ({
    bucket: r.s3.bucket.name,
    rawKey: r.s3.object.key,
    keyEncoding: 'url' as const,
    versionId: r.s3.object.versionId,
    eTag: r.s3.object.eTag,
  }));
}
