import type { KinesisStreamEvent } from 'aws-lambda';
import { Client } from 'pg';
import { FakeSecretsManager } from '../../helpers/fake-secrets-manager';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { StreamFixture } from './fixtures';

// The deployed handler, reading its login from Secrets Manager (a local fake) as in AWS, kept warm across a
// rotation of the app user's password: before the fix it reconnected with the cached password and every batch
// failed with 28P01 until the execution environment was recycled.
describe('stream handler after a password rotation', () => {
  const role = `stream_rot_${process.pid}`;
  const secretArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${role}`;
  const passwords = ['first-Pa55word-x1', 'second-Pa55word-y2'];
  const saved = { ...process.env };
  const f = new StreamFixture();
  const secrets = new FakeSecretsManager();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let handler: (e: never) => Promise<unknown>;
  let output: string[];

  const batch = (id: number, at: string): KinesisStreamEvent => ({ Records: [f.change('insert', 'app.Orders', { id, total: `${id}.00` }, at)] });

  beforeAll(async () => {
    db = await createTestDatabase('stream_rotation');
    await db.client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${passwords[0]}'`);
    await db.client.query(`ALTER DATABASE "${db.name}" OWNER TO ${role}`);
    await secrets.start();
    secrets.set(secretArn, { engine: 'postgres', username: role, password: passwords[0], host: process.env.PGHOST, port: Number(process.env.PGPORT), dbname: db.name });
    process.env.DB_SECRET_ARN = secretArn;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    process.env.TABLE_CONFIG = JSON.stringify([
      { source: 'app.Orders', target: 'sales.orders', keyColumns: ['order_id'], columns: [{ source: 'id', target: 'order_id', type: 'bigint' }, { source: 'total', type: 'numeric(12,2)' }] },
    ]);
    process.env.LOG_LEVEL = 'debug';
    jest.resetModules();
    ({ handler } = await import('../../../lambdas/stream-to-postgres/handler'));
  });

  beforeEach(() => {
    output = [];
    // The handler logs to stdout: captured until the end, when dropping the database also closes its pool.
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    for (const p of passwords) expect(output.join('')).not.toContain(p);
  });

  afterAll(async () => {
    process.env = { ...saved };
    await secrets.stop();
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
    await new Promise((r) => setTimeout(r, 100));
    jest.restoreAllMocks();
  });

  /** Drops the role's open sessions (as a Lambda freeze, an idle timeout or a failover would) and waits until they are gone. */
  async function dropSessions(): Promise<void> {
    await db.client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    for (let i = 0; i < 50; i++) {
      const { rows } = await db.client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [role]);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100)); // the pool sees its idle client's error and discards it
  }

  test('the warm handler reconnects with the rotated password; nothing secret is logged', async () => {
    expect(await handler({ action: 'ensure-schema' } as never)).toEqual({ tables: ['sales.orders'] });
    expect(await handler(batch(1, '2026-11-23T00:00:01Z') as never)).toEqual({ batchItemFailures: [] });
    const readsBefore = secrets.readsOf(secretArn);

    // Rotation: the database takes the new password, the secret's AWSCURRENT now holds it.
    await db.client.query(`ALTER ROLE ${role} PASSWORD '${passwords[1]}'`);
    secrets.set(secretArn, { engine: 'postgres', username: role, password: passwords[1], host: process.env.PGHOST, port: Number(process.env.PGPORT), dbname: db.name });
    await dropSessions();

    expect(await handler(batch(2, '2026-11-23T00:00:02Z') as never)).toEqual({ batchItemFailures: [] });
    expect(secrets.readsOf(secretArn)).toBeGreaterThan(readsBefore);
    const { rows } = await db.client.query('SELECT order_id::int AS id FROM sales.orders ORDER BY 1');
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    // The reconnect really logged in as the app user with the new password.
    const { rows: sessions } = await db.client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [role]);
    expect(sessions[0].n).toBe(1);

    const logged = output.join('');
    expect(logged).toContain('idle database connection closed'); // the dropped session was noticed and logged
    for (const p of passwords) expect(logged).not.toContain(p);
  });

  test('a wrong password in the secret fails the batch (retryable) without logging it', async () => {
    secrets.set(secretArn, { engine: 'postgres', username: role, password: 'not-the-Pa55word-z3', host: process.env.PGHOST, port: Number(process.env.PGPORT), dbname: db.name });
    await dropSessions();
    const err = (await handler(batch(3, '2026-11-23T00:00:03Z') as never).catch((e) => e)) as Error & { code?: string };
    expect(err.code).toBe('28P01');
    expect(err.message).not.toContain('not-the-Pa55word-z3');
    expect(output.join('')).not.toContain('not-the-Pa55word-z3');
    // Back to the right secret: the next batch goes through.
    secrets.set(secretArn, { engine: 'postgres', username: role, password: passwords[1], host: process.env.PGHOST, port: Number(process.env.PGPORT), dbname: db.name });
    expect(await handler(batch(4, '2026-11-23T00:00:04Z') as never)).toEqual({ batchItemFailures: [] });
  });
});
