import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import type { Client } from 'pg';
import { bundleLambda } from '../../../modules/core';
import { createTestDatabase } from '../../helpers/pg';
import { createBucket, putObject, s3Event, testS3Client } from '../../helpers/s3';

/** Extracts the files of a zip written by core's deterministicZip (local headers, deflate). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extraLength;
    files.set(name, inflateRawSync(zip.subarray(start, start + size)));
    at = start + size;
  }
  return files;
}

describe('s3-to-postgres: the deployed bundle', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: Client;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_bundle');
    client = db.client;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 's3pg-bundle-'));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the esbuild zip Lambda runs (index.handler) loads a file through the real S3 API and Postgres', async () => {
    const files = unzip(fs.readFileSync(bundleLambda('s3-to-postgres').zipPath));
    expect([...files.keys()].sort()).toEqual(['index.js', 'index.js.map']);
    fs.writeFileSync(path.join(dir, 'index.js'), files.get('index.js')!);

    await client.query('CREATE TABLE public.items (sku text PRIMARY KEY, qty int NOT NULL)');
    const s3 = testS3Client();
    const bucket = await createBucket(s3, 's3pg-bundle');
    const eTag = await putObject(s3, bucket, 'items/2024 stock.csv', 'qty,sku\n3,A-1\n5,"B,2"\n');
    const event = s3Event(bucket, 'items/2024 stock.csv', { eTag });
    // The container keeps its pool open between invocations (as in Lambda): exit once the handler has answered.
    const script = `require('./index.js').handler(${JSON.stringify(event)}).then((r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); }, (e) => { process.stderr.write(e.message); process.exit(1); })`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: dir,
      env: { ...process.env, TABLE_ROUTES: JSON.stringify([{ prefix: 'items/', table: 'public.items', mode: 'replace' }]) },
    });
    // stdout holds the function's JSON log lines, then the result.
    const lines = stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 2])).toMatchObject({ level: 'info', message: 'loaded', table: 'public.items', rows: 2 });
    expect(JSON.parse(lines[lines.length - 1]).results).toEqual([expect.objectContaining({ status: 'loaded', key: 'items/2024 stock.csv', rows: 2 })]);
    expect((await client.query('SELECT sku, qty FROM items ORDER BY sku')).rows).toEqual([
      { sku: 'A-1', qty: 3 },
      { sku: 'B,2', qty: 5 },
    ]);
  }, 60_000);
});
