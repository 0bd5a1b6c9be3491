import type { ClientBase, Pool } from 'pg';
import { quoteIdent } from './routes';
import type { ObjectIdentity } from './source';

/**
 * The load ledger: one row per object loaded, keyed by (bucket, key, version) when the bucket is versioned, else
 * (bucket, key, ETag). A delivery whose identity is already there is a duplicate and changes nothing.
 */
export interface LedgerName {
  readonly schema: string;
  readonly name: string;
}

export const DEFAULT_LEDGER: LedgerName = { schema: 'migration_kit', name: 's3_load_ledger' };

const qualified = (l: LedgerName) => `${quoteIdent(l.schema)}.${quoteIdent(l.name)}`;

/** `version:<id>` or `etag:<etag>`: the key part of the ledger's primary key. */
export function objectId(identity: ObjectIdentity): string {
  return identity.versionId ? `version:${identity.versionId}` : `etag:${identity.eTag}`;
}

/** The ledger table's DDL (without its schema). */
export function ledgerTableDdl(l: LedgerName = DEFAULT_LEDGER): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(l)} (
  bucket        text        NOT NULL,
  object_key    text        NOT NULL,
  object_id     text        NOT NULL,
  version_id    text,
  etag          text        NOT NULL,
  target_table  text        NOT NULL,
  load_mode     text        NOT NULL,
  row_count     bigint      NOT NULL,
  byte_count    bigint,
  loaded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bucket, object_key, object_id)
);`;
}

/** The whole DDL, also shipped as templates/postgres/s3-import.sql for teams that pre-create it. */
export function ledgerDdl(l: LedgerName = DEFAULT_LEDGER): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(l.schema)};\n${ledgerTableDdl(l)}`;
}

/**
 * Creates the ledger when missing, in its own short transaction (serialized by an advisory lock, since concurrent
 * `CREATE TABLE IF NOT EXISTS` can collide). Cheap when it exists: one catalog lookup.
 */
export async function ensureLedger(pool: Pool, l: LedgerName = DEFAULT_LEDGER): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ t: string | null; s: boolean }>(
      'SELECT to_regclass($1) AS t, EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $2) AS s',
      [qualified(l), l.schema],
    );
    if (rows[0].t) return;
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('migration-kit:ledger-ddl'))");
    // CREATE SCHEMA needs CREATE on the database even when the schema exists: skip it for an existing (owned) schema.
    await client.query(rows[0].s ? ledgerTableDdl(l) : ledgerDdl(l));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function ledgerHas(client: ClientBase, l: LedgerName, bucket: string, key: string, identity: ObjectIdentity): Promise<boolean> {
  const { rowCount } = await client.query(`SELECT 1 FROM ${qualified(l)} WHERE bucket = $1 AND object_key = $2 AND object_id = $3`, [
    bucket,
    key,
    objectId(identity),
  ]);
  return (rowCount ?? 0) > 0;
}

export interface LedgerEntry {
  readonly bucket: string;
  readonly key: string;
  readonly identity: ObjectIdentity;
  readonly table: string;
  readonly mode: string;
  readonly rows: number;
  readonly bytes?: number;
}

export async function ledgerRecord(client: ClientBase, l: LedgerName, e: LedgerEntry): Promise<void> {
  await client.query(
    `INSERT INTO ${qualified(l)} (bucket, object_key, object_id, version_id, etag, target_table, load_mode, row_count, byte_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [e.bucket, e.key, objectId(e.identity), e.identity.versionId ?? null, e.identity.eTag, e.table, e.mode, e.rows, e.bytes ?? null],
  );
}
