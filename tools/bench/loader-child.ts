/**
 * Runs the s3-to-postgres handler core in its own process for `npm run bench:loader`, so its peak memory is its own.
 * Bundled with esbuild like the Lambda. Input: env (PG*, AWS_ENDPOINT_URL_S3, TABLE_ROUTES) and argv bucket key eTag.
 * Output: one JSON line { rows, ms, rssBeforeKiB, maxRssKiB }.
 */
import type { S3Event } from 'aws-lambda';
import { createLoader } from '../../lambdas/s3-to-postgres/runtime';

function s3Event(bucket: string, key: string, eTag: string): S3Event {
  return {
    Records: [{ s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), eTag } } }],
  } as unknown as S3Event;
}

async function main(): Promise<void> {
  const [bucket, key, eTag] = process.argv.slice(2);
  const loader = createLoader(process.env, { logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } });
  // Warm up: the cold start (secret/config, pool, ledger DDL) is not part of the load rate.
  await loader.handle(s3Event(bucket, 'unrouted/warm-up.csv', 'x'));
  const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
  const started = process.hrtime.bigint();
  const out = await loader.handle(s3Event(bucket, key, eTag));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result = out.results[0];
  if (result.status !== 'loaded') throw new Error(`expected a load, got ${JSON.stringify(result)}`);
  await loader.close();
  process.stdout.write(JSON.stringify({ rows: result.rows, ms, rssBeforeKiB, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
