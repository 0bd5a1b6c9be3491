/**
 * Runs the stream-to-postgres handler in its own process for `npm run bench:stream`, bundled like the Lambda and
 * configured like it (`TABLE_CONFIG`, libpq `PG*` variables instead of a secret). Input: argv changes keys batch.
 * Output, as the last stdout line (the handler's own log lines come before it):
 * `{ ms, decodeMs, batches, failures }`.
 */
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { loadConfig } from '../../lambdas/stream-to-postgres/config';
import { handler } from '../../lambdas/stream-to-postgres/handler';
import { decodeRecord } from '../../lambdas/stream-to-postgres/records';
import { benchRecords } from './stream-data';

async function main(): Promise<void> {
  const [changes, keys, batch] = process.argv.slice(2).map(Number);
  const { records } = benchRecords(changes, keys);
  // The cold start (config, pool, the deploy-time DDL) is not part of the rate.
  await handler({ action: 'ensure-schema' });

  let failures = 0;
  let batches = 0;
  const started = performance.now();
  for (let i = 0; i < records.length; i += batch) {
    const res = (await handler({ Records: records.slice(i, i + batch) })) as KinesisStreamBatchResponse;
    failures += res.batchItemFailures.length;
    batches++;
  }
  const ms = performance.now() - started;

  // Decoding and validation alone (pure, no I/O): the part of the handler's time that is not the database.
  const options = loadConfig(process.env);
  const t = performance.now();
  for (let i = 0; i < records.length; i++) decodeRecord(records[i], i, options);
  const decodeMs = performance.now() - t;

  // The handler keeps its connection open (as in Lambda): exit once the result is written.
  process.stdout.write(JSON.stringify({ ms, decodeMs, batches, failures }) + '\n', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
