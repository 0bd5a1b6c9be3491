// Child of closed-checkout.test.ts (jest cannot import ES modules): starts Postgres through the shared helper for
// the checkout given in argv, asks it where its data lives, stops it, and prints one JSON line.
import path from 'node:path';
import { createRequire } from 'node:module';
import { embeddedPostgres, traversableByOthers } from '../../helpers/embedded-postgres.mjs';

const [repoRoot, stageParent, port] = process.argv.slice(2);
const { Client } = createRequire(import.meta.url)('pg');
const { EmbeddedPostgres, base, staged } = await embeddedPostgres('closed', { repoRoot, stageParent });
const pg = new EmbeddedPostgres({
  databaseDir: path.join(base, 'pg'),
  user: 'postgres',
  password: 'closed-checkout-test',
  port: Number(port),
  persistent: false,
  createPostgresUser: true,
  initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
  onLog: (m) => { if (process.env.IT_DEBUG) process.stderr.write(String(m)); },
});
await pg.initialise();
await pg.start();
let dataDirectory;
try {
  const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password: 'closed-checkout-test', database: 'postgres' });
  await client.connect();
  dataDirectory = (await client.query('SELECT current_setting($1) AS dir', ['data_directory'])).rows[0].dir;
  await client.end();
} finally {
  await pg.stop();
}
process.stdout.write(`${JSON.stringify({ staged, base, dataDirectory, baseTraversable: traversableByOthers(base), checkoutTraversable: traversableByOthers(path.join(repoRoot, 'node_modules')) })}\n`);
process.exit(0);
