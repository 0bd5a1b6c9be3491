import type { KinesisStreamRecord } from 'aws-lambda';
import { TableMapping } from './table-config';

/**
 * Decoding of DMS Kinesis records (`{ "data": {...}, "metadata": {...} }`) into changes. Pure: no I/O.
 * A record is a change to apply, a record to skip (control records, changes already in the full load), or a
 * poison record (undecodable, unknown table, invalid for the mapping) that stops the batch at its position.
 */

export type Operation = 'load' | 'insert' | 'update' | 'delete';

export interface Change {
  /** Position of the record in the Kinesis batch. */
  readonly index: number;
  readonly sequenceNumber: string;
  /** Kinesis event ID (`shardId-...:sequenceNumber`): unique per change, the audit log's idempotency key. */
  readonly changeId: string;
  readonly table: TableMapping;
  readonly operation: Operation;
  /** Commit timestamp used for ordering (for `load` records: the high-water mark, so later changes win). */
  readonly commitTs: string;
  /**
   * The record's JSON text, validated here and handed to Postgres verbatim: values are extracted and cast there
   * (`jsonb` keeps every digit of a number, NULL apart from ''), and nothing is re-serialized in JavaScript.
   */
  readonly json: string;
}

export type Decoded =
  | { readonly kind: 'change'; readonly change: Change }
  | { readonly kind: 'skip'; readonly index: number; readonly reason: 'control-record' | 'before-high-water-mark'; readonly table?: string; readonly operation?: string }
  | { readonly kind: 'poison'; readonly index: number; readonly reason: string; readonly table?: string };

/** A timestamp with microsecond precision: text for Postgres, and a sortable number for comparisons. */
export interface Instant {
  readonly text: string;
  /** Microseconds since the epoch (exact: below 2^53 until the year 2255). */
  readonly micros: number;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Parses DMS timestamps (`2026-11-23T10:00:00.123456Z`, or without a zone: DMS writes UTC). */
export function parseInstant(text: string): Instant | undefined {
  const m = TS.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const day = Number(d);
  const month = Number(mo);
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month - 1] || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (month === 2 && day === 29 && !(Number(y) % 4 === 0 && (Number(y) % 100 !== 0 || Number(y) % 400 === 0))) return undefined;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
  }
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  const micros = ms * 1000 + Number((frac + '000000').slice(0, 6)) - offsetMinutes * 60_000_000;
  return { text: `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ? '.' + frac.slice(0, 6) : ''}${zone}`, micros };
}

/** Lookup of table mappings by the source name DMS reports (exact first, then case-insensitive). */
export class TableIndex {
  private readonly exact = new Map<string, TableMapping>();
  private readonly folded = new Map<string, TableMapping>();
  constructor(readonly tables: readonly TableMapping[]) {
    for (const t of tables) {
      this.exact.set(t.source, t);
      this.folded.set(t.source.toLowerCase(), t);
    }
  }
  find(source: string): TableMapping | undefined {
    return this.exact.get(source) ?? this.folded.get(source.toLowerCase());
  }
}

export interface DecodeOptions {
  readonly tables: TableIndex;
  /** Changes committed at or before this instant are already in the full load: skipped. */
  readonly highWaterMark?: Instant;
}

const OPERATIONS = new Set<Operation>(['load', 'insert', 'update', 'delete']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

const fieldSets = new WeakMap<TableMapping, Set<string>>();
function sourceFields(table: TableMapping): Set<string> {
  let set = fieldSets.get(table);
  if (!set) fieldSets.set(table, (set = new Set(table.columns.map((c) => c.source))));
  return set;
}

/** Decodes one Kinesis record. Never throws: every problem becomes a poison record with a reason. */
export function decodeRecord(record: KinesisStreamRecord, index: number, options: DecodeOptions): Decoded {
  const poison = (reason: string, table?: string): Decoded => ({ kind: 'poison', index, reason, table });
  let text: string;
  try {
    text = utf8.decode(Buffer.from(record.kinesis.data, 'base64'));
  } catch {
    return poison('record data is not valid UTF-8');
  }
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (err) {
    // V8's message quotes the input around the error: keep only the position, never record contents.
    const at = /position (\d+)/.exec((err as Error).message);
    return poison(`record data is not JSON (syntax error${at ? ` at position ${at[1]}` : ''}, ${text.length} characters)`);
  }
  if (!isObject(doc)) return poison(`record is ${describe(doc)}, not a DMS JSON object with data and metadata`);
  const meta = doc.metadata;
  if (!isObject(meta)) return poison(`record has no metadata object (${describe(meta)})`);
  const schemaName = meta['schema-name'];
  const tableName = meta['table-name'];
  const source = typeof schemaName === 'string' && typeof tableName === 'string' ? `${schemaName}.${tableName}` : undefined;
  const recordType = meta['record-type'];
  const op = meta.operation;
  if (recordType === 'control') {
    return { kind: 'skip', index, reason: 'control-record', table: source, operation: typeof op === 'string' ? op : undefined };
  }
  if (recordType !== 'data') return poison(`metadata.record-type is ${typeof recordType === 'string' ? JSON.stringify(recordType) : describe(recordType)}, expected "data" or "control"`, source);
  if (typeof op !== 'string' || !OPERATIONS.has(op as Operation)) {
    return poison(`metadata.operation is ${typeof op === 'string' ? JSON.stringify(op) : describe(op)}, expected load, insert, update or delete`, source);
  }
  const operation = op as Operation;
  if (!source) return poison('metadata lacks schema-name or table-name');
  const table = options.tables.find(source);
  if (!table) return poison(`table ${source} is not in the table config`, source);

  let commitTs: string;
  if (operation === 'load') {
    // Full-load rows describe the state at the export: any change after the high-water mark must win over them.
    commitTs = options.highWaterMark?.text ?? '-infinity';
  } else {
    // With transaction details on (the DMS module's default), `commit-timestamp` is the source commit time; a
    // change DMS publishes again after a task restart keeps it, so it stays ordered where it belongs. When it is
    // absent or in another format, `timestamp` orders the change (DMS writes changes in commit order).
    const commit = meta['commit-timestamp'];
    const ts = meta.timestamp;
    const instant = (typeof commit === 'string' ? parseInstant(commit) : undefined) ?? (typeof ts === 'string' ? parseInstant(ts) : undefined);
    if (!instant) return poison(`metadata.timestamp is ${typeof ts === 'string' ? JSON.stringify(ts) : describe(ts)}, expected an ISO-8601 timestamp`, source);
    if (options.highWaterMark && instant.micros <= options.highWaterMark.micros) {
      return { kind: 'skip', index, reason: 'before-high-water-mark', table: source, operation };
    }
    commitTs = instant.text;
  }

  const data = doc.data;
  if (!isObject(data)) return poison(`record data is ${describe(data)}, expected an object of column values`, source);
  for (const col of table.columns) {
    const v = data[col.source];
    const isKey = table.keyColumns.includes(col.target);
    if (v === undefined) {
      // A delete needs only the key; other operations carry the full row image.
      if (operation !== 'delete' || isKey) return poison(`field ${col.source} is missing`, source);
    } else if (v === null) {
      if (isKey) return poison(`key field ${col.source} is null`, source);
      if (!col.nullable && operation !== 'delete') return poison(`field ${col.source} is null but column ${col.target} is NOT NULL`, source);
    }
  }
  if (table.unmappedFields === 'reject') {
    const known = sourceFields(table);
    const extra = Object.keys(data).filter((k) => !known.has(k));
    if (extra.length) return poison(`fields not in the table config: ${extra.join(', ')} (map them, or set unmappedFields: ignore)`, source);
  }

  const seq = record.kinesis.sequenceNumber;
  if (!/^\d{1,128}$/.test(seq)) return poison(`Kinesis sequence number ${JSON.stringify(seq)} is not numeric`, source);
  return {
    kind: 'change',
    change: {
      index,
      sequenceNumber: seq,
      changeId: record.eventID || `shardId-unknown:${seq}`,
      table,
      operation,
      commitTs,
      json: text,
    },
  };
}
