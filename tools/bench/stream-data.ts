import type { KinesisStreamRecord } from 'aws-lambda';

/** One row of the bench table (`bench.account`). */
export interface BenchRow {
  id: number;
  owner: string;
  balance: string;
  status: string;
  updatedAt: string;
  note: string | null;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run applies the same changes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `changes` DMS Kinesis records over `keys` account ids: a key's first change is an insert, then updates (80%)
 * and deletes (20%), a deleted key comes back with an insert. Commit times increase by 1 ms per change, sequence
 * numbers increase like one shard. Returns the records and the final rows a correct consumer must leave.
 */
export function benchRecords(changes: number, keys: number): { records: KinesisStreamRecord[]; finalRows: BenchRow[]; counts: Record<'insert' | 'update' | 'delete', number> } {
  const random = rng(42);
  const live = new Map<number, BenchRow>();
  const records: KinesisStreamRecord[] = [];
  const counts = { insert: 0, update: 0, delete: 0 };
  let seq = 49590338271490256608559692538361571095921575989136588000n;
  const t0 = Date.parse('2026-11-23T10:00:00Z');
  for (let i = 0; i < changes; i++) {
    const id = Math.floor(random() * keys) + 1;
    const ts = new Date(t0 + i).toISOString().replace('Z', '123Z'); // microseconds, like DMS
    let operation: 'insert' | 'update' | 'delete';
    let row: BenchRow;
    const current = live.get(id);
    if (!current) {
      operation = 'insert';
      row = { id, owner: `Owner ${id} Zoë`, balance: (random() * 100000).toFixed(2), status: 'open', updatedAt: ts, note: random() < 0.2 ? null : `note ${i}` };
      live.set(id, row);
    } else if (random() < 0.2) {
      operation = 'delete';
      row = current;
      live.delete(id);
    } else {
      operation = 'update';
      row = { ...current, balance: (random() * 100000).toFixed(2), status: random() < 0.5 ? 'open' : 'held', updatedAt: ts, note: random() < 0.1 ? '' : current.note };
      live.set(id, row);
    }
    counts[operation]++;
    seq += 100n;
    const body = JSON.stringify({
      data: { AccountId: row.id, Owner: row.owner, Balance: row.balance, Status: row.status, UpdatedAt: row.updatedAt, Note: row.note },
      metadata: {
        timestamp: ts,
        'record-type': 'data',
        operation,
        'partition-key-type': 'primary-key',
        'schema-name': 'ledger',
        'table-name': 'Account',
        'transaction-id': 1000000 + i,
      },
    });
    const sequenceNumber = seq.toString();
    records.push({
      awsRegion: 'eu-west-2',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN: 'arn:aws:kinesis:eu-west-2:123456789012:stream/bench',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/bench',
      kinesis: { approximateArrivalTimestamp: t0 / 1000, data: Buffer.from(body).toString('base64'), kinesisSchemaVersion: '1.0', partitionKey: String(id), sequenceNumber },
    });
  }
  return { records, finalRows: [...live.values()], counts };
}

function csvField(v: string | null): string {
  if (v === null) return '';
  return v === '' || /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV lines for COPY (NULL is an unquoted empty field, '' a quoted one). */
export function* rowsCsv(rows: Iterable<BenchRow>): Generator<string> {
  let chunk = '';
  for (const r of rows) {
    chunk += `${r.id},${csvField(r.owner)},${r.balance},${r.status},${r.updatedAt},${csvField(r.note)}\n`;
    if (chunk.length > 65536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
