import { S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { createLoader, Loader } from '../../../lambdas/s3-to-postgres/runtime';
import { FakeSecretsManager } from '../../helpers/fake-secrets-manager';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { createBucket, putObject, testS3Client } from '../../helpers/s3';
import { captureLogger, event } from './fixtures';

// The loader as deployed (one warm pool per container, login from the secret named by DB_SECRET_ARN, here a local
// Secrets Manager) across a rotation of its user's password. Before the fix it reconnected with the password read at
// cold start and rejected every later object with 28P01.
describe('s3-to-postgres loader after a password rotation', () => {
  const role = `loader_rot_${process.pid}`;
  const secretArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${role}`;
  const passwords = ['first-Pa55word-a1', 'second-Pa55word-b2'];
  const saved = { ...process.env };
  const secrets = new FakeSecretsManager();
  const { logger, lines } = captureLogger();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let s3: S3Client;
  let bucket: string;
  let loader: Loader;

  const secretValue = (password: string) => ({ engine: 'postgres', username: role, password, host: process.env.PGHOST, port: Number(process.env.PGPORT), dbname: db.name });

  beforeAll(async () => {
    db = await createTestDatabase('s3pg_rotation');
    await db.client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${passwords[0]}'`);
    await db.client.query(`ALTER DATABASE "${db.name}" OWNER TO ${role}`);
    await db.client.query(`CREATE TABLE public.people (id integer PRIMARY KEY, name text NOT NULL); ALTER TABLE public.people OWNER TO ${role}`);
    await secrets.start();
    secrets.set(secretArn, secretValue(passwords[0]));
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    s3 = testS3Client();
    bucket = await createBucket(s3, 's3pg-rotation');
    const env = { ...process.env, DB_SECRET_ARN: secretArn, TABLE_ROUTES: JSON.stringify([{ prefix: 'people/', table: 'public.people', mode: 'append' }]) };
    loader = createLoader(env, { logger });
  });

  afterAll(async () => {
    await loader.close();
    process.env = { ...saved };
    await secrets.stop();
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  async function load(key: string, body: string) {
    const eTag = await putObject(s3, bucket, key, body);
    return loader.handle(event(bucket, key, eTag));
  }

  /** Ends the role's sessions (a Lambda freeze, an idle timeout, a failover) and waits until they are gone. */
  async function dropSessions(): Promise<void> {
    await db.client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    for (let i = 0; i < 50; i++) {
      const { rows } = await db.client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [role]);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  test('the warm loader logs in with the rotated password and loads the next object; nothing secret is logged', async () => {
    await expect(load('people/one.csv', 'id,name\n1,Ada\n')).resolves.toMatchObject({ results: [{ status: 'loaded', rows: 1 }] });
    const readsBefore = secrets.readsOf(secretArn);

    await db.client.query(`ALTER ROLE ${role} PASSWORD '${passwords[1]}'`);
    secrets.set(secretArn, secretValue(passwords[1]));
    await dropSessions();

    await expect(load('people/two.csv', 'id,name\n2,Grace\n')).resolves.toMatchObject({ results: [{ status: 'loaded', rows: 1 }] });
    expect(secrets.readsOf(secretArn)).toBeGreaterThan(readsBefore);
    expect((await db.client.query('SELECT id FROM public.people ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    const logged = lines.join('\n');
    for (const p of passwords) expect(logged).not.toContain(p);
  });

  test('a login refused mid-rotation is retryable, names the object, and loads once the secret is current', async () => {
    // Between setSecret and finishSecret the database has the new password while AWSCURRENT still holds the old one.
    await db.client.query(`ALTER ROLE ${role} PASSWORD 'third-Pa55word-c3'`);
    await dropSessions();
    const err = (await load('people/three.csv', 'id,name\n3,Barbara\n').catch((e) => e)) as Error & { retryable?: boolean };
    expect(err.name).toBe('LoadRetryableError');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('s3://');
    expect(err.message).toContain('people/three.csv');
    expect(err.message).toContain('28P01');
    secrets.set(secretArn, secretValue('third-Pa55word-c3'));
    await expect(load('people/three.csv', 'id,name\n3,Barbara\n')).resolves.toMatchObject({ results: [{ status: 'loaded', rows: 1 }] });
    const logged = lines.join('\n');
    for (const p of [...passwords, 'third-Pa55word-c3']) expect(logged).not.toContain(p);
    expect((await db.client.query('SELECT count(*)::int AS n FROM public.people')).rows[0].n).toBe(3);
  });
});
