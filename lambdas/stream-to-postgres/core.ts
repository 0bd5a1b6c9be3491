import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import type { Logger } from '../shared/logger';
import { Change, decodeRecord, DecodeOptions } from './records';
import { ChangeStore } from './store';

export interface ProcessDeps extends DecodeOptions {
  readonly store: ChangeStore;
  readonly log: Logger;
}

/**
 * Applies one Kinesis batch. Records are decoded in order; the first poison record (undecodable, unknown table,
 * invalid for the mapping, or refused by the database) ends the batch: every change before it is committed and
 * its sequence number is the single `batchItemFailures` entry, so Lambda retries from it (and, with bisect on,
 * isolates it; after the retry limit it goes to the on-failure destination). Database outages throw: the whole
 * batch is retried and nothing is marked applied.
 */
export async function processRecords(records: readonly KinesisStreamRecord[], deps: ProcessDeps): Promise<KinesisStreamBatchResponse> {
  const started = Date.now();
  const changes: Change[] = [];
  const skipped: Record<string, number> = {};
  let poison: { index: number; reason: string; table?: string } | undefined;
  for (let i = 0; i < records.length; i++) {
    const d = decodeRecord(records[i], i, deps);
    if (d.kind === 'poison') {
      poison = d;
      break;
    }
    if (d.kind === 'skip') {
      skipped[d.reason] = (skipped[d.reason] ?? 0) + 1;
      if (d.reason === 'control-record') {
        deps.log.info('skipped a DMS control record', { sequenceNumber: records[i].kinesis.sequenceNumber, table: d.table, operation: d.operation });
      }
      continue;
    }
    changes.push(d.change);
  }

  const outcome = await deps.store.apply(changes);
  const summary = {
    records: records.length,
    changes: outcome.applied,
    skipped,
    ...outcome.counts,
    durationMs: Date.now() - started,
  };

  if (outcome.failedAt !== undefined) {
    const bad = changes[outcome.failedAt];
    deps.log.error('the database refused a change; earlier changes committed, retrying from it', {
      ...summary,
      sequenceNumber: bad.sequenceNumber,
      table: bad.table.source,
      target: `${bad.table.targetSchema}.${bad.table.targetTable}`,
      operation: bad.operation,
      code: outcome.failure?.code,
      reason: outcome.failure?.message,
    });
    return { batchItemFailures: [{ itemIdentifier: bad.sequenceNumber }] };
  }
  if (poison) {
    const sequenceNumber = records[poison.index].kinesis.sequenceNumber;
    deps.log.error('poison record; earlier changes committed, retrying from it', { ...summary, sequenceNumber, table: poison.table, reason: poison.reason });
    return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
  }
  deps.log.info('batch applied', summary);
  return { batchItemFailures: [] };
}
