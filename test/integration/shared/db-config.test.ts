import { Client, Pool } from 'pg';
import { ConfigError, ReadSecret, resolveDbConfig } from '../../../lambdas/shared/db';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

// resolveDbConfig with a fake secret source and a real Postgres: the login is read again for each new connection.
describe('resolveDbConfig with DB_SECRET_ARN', () => {
  const role = `dbcfg_${process.pid}`;
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app';
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let secret: Record<string, unknown>;
  let reads = 0;
  const readSecret: ReadSecret = async (id) => {
    expect(id).toBe(arn);
    reads++;
    return JSON.stringify(secret);
  };
  const env = () => ({ DB_SECRET_ARN: arn, PGHOST: process.env.PGHOST, PGPORT: process.env.PGPORT, PGDATABASE: db.name, PGSSLMODE: 'disable' });

  beforeAll(async () => {
    db = await createTestDatabase('dbcfg');
    await db.client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw-one-11'`);
  });
  beforeEach(async () => {
    reads = 0;
    secret = { username: role, password: 'pw-one-11' };
    await db.client.query(`ALTER ROLE ${role} PASSWORD 'pw-one-11'`);
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  test('the first connection uses the value read at start; each later one reads the secret again', async () => {
    const config = await resolveDbConfig(env(), readSecret);
    expect(reads).toBe(1);
    expect(JSON.stringify(config)).not.toContain('pw-one-11'); // the password is never a plain value in the config
    const pool = new Pool({ ...config, max: 1, idleTimeoutMillis: 1 });
    try {
      await pool.query('SELECT 1');
      expect(reads).toBe(1);
      await db.client.query(`ALTER ROLE ${role} PASSWORD 'pw-two-22'`);
      secret = { username: role, password: 'pw-two-22' };
      await new Promise((r) => setTimeout(r, 50)); // the idle connection is closed: the next query opens a new one
      await pool.query('SELECT 1');
      expect(reads).toBe(2);
    } finally {
      await pool.end();
    }
  });

  test('fails clearly, without the password, when the secret starts naming another user', async () => {
    const config = await resolveDbConfig(env(), readSecret);
    secret = { username: 'someone_else', password: 'pw-three-33' };
    const pool = new Pool({ ...config, max: 1, idleTimeoutMillis: 1 });
    try {
      await pool.query('SELECT 1'); // first connection: the value read at start
      await new Promise((r) => setTimeout(r, 50));
      const err = (await pool.query('SELECT 1').catch((e) => e)) as Error;
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toBe(`secret ${arn} now names user someone_else, not ${role}: restart the function to log in as the new user`);
    } finally {
      await pool.end();
    }
  });

  test.each([
    ['no SecretString', undefined, /has no SecretString/],
    ['not JSON', 'password=x', /is not JSON with username and password/],
    ['no password', JSON.stringify({ username: 'u' }), /lacks username or password/],
  ])('fails at start when the secret has %s, without echoing it', async (_what, raw, message) => {
    const err = (await resolveDbConfig(env(), async () => raw).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
    if (raw) expect(err.message).not.toContain(raw);
  });
});
