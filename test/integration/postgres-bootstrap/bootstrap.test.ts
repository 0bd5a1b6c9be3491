import { Client } from 'pg';
import { applyPlan } from '../../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema, scramVerifier } from '../../../lambdas/postgres-bootstrap/plan';
import { createLogger } from '../../../lambdas/shared/logger';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

const lines: string[] = [];
const log = createLogger({ service: 'test', sink: (l) => lines.push(l) });

describe('postgres bootstrap against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const suffix = `${process.pid}`;
  const user = `loader_${suffix}`;
  const passwords: Record<string, string> = { 'arn:secret:loader': 'first-Pässword-1' };
  const passwordOf = async (arn: string) => passwords[arn];

  beforeAll(async () => {
    db = await createTestDatabase('bootstrap');
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${user}`);
    await admin.end();
  });

  async function loginAs(password: string) {
    const c = new Client({ ...pgConfig(db.name), user, password });
    await c.connect();
    return c;
  }

  test('creates the user with a SCRAM verifier (never the clear text) and an owned schema; idempotent', async () => {
    const plan = BootstrapPlanSchema.parse({ users: [{ username: user, secretArn: 'arn:secret:loader', schemas: ['landing'] }] });
    const first = await applyPlan(db.client, plan, passwordOf, log);
    expect(first.usersCreated).toEqual([user]);
    const stored = await db.client.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [user]);
    expect(stored.rows[0].rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(lines.join('\n')).not.toContain('first-Pässword-1');

    const c = await loginAs('first-Pässword-1');
    await c.query('CREATE TABLE landing.people (id int primary key)');
    await c.query('INSERT INTO landing.people VALUES (1)');
    await c.end();

    const again = await applyPlan(db.client, plan, passwordOf, log);
    expect(again.usersUpdated).toEqual([user]);
    const owner = await db.client.query("SELECT nspowner::regrole::text AS o FROM pg_namespace WHERE nspname = 'landing'");
    expect(owner.rows[0].o).toBe(user);
    expect((await db.client.query('SELECT count(*)::int AS n FROM landing.people')).rows[0].n).toBe(1);
  });

  test('a rotated secret updates the password on the next run', async () => {
    passwords['arn:secret:loader'] = 'second-password-2';
    const plan = BootstrapPlanSchema.parse({ users: [{ username: user, secretArn: 'arn:secret:loader' }] });
    await applyPlan(db.client, plan, passwordOf, log);
    await expect(loginAs('first-Pässword-1')).rejects.toThrow(/password authentication failed/);
    const c = await loginAs('second-password-2');
    await c.end();
  });

  test('fails and changes nothing when an extension is unavailable', async () => {
    const plan = BootstrapPlanSchema.parse({ users: [{ username: `${user}_x`, secretArn: 'arn:secret:loader' }], extensions: ['aws_s3'] });
    await expect(applyPlan(db.client, plan, passwordOf, log)).rejects.toThrow(/extension aws_s3 is not available on this server/);
    expect((await db.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${user}_x`])).rowCount).toBe(0);
  });

  test('creates available extensions', async () => {
    const plan = BootstrapPlanSchema.parse({ extensions: ['pgcrypto'] });
    await applyPlan(db.client, plan, passwordOf, log);
    expect((await db.client.query("SELECT 1 FROM pg_extension WHERE extname = 'pgcrypto'")).rowCount).toBe(1);
  });

  test('fails when an IAM user is requested on a server without rds_iam', async () => {
    const plan = BootstrapPlanSchema.parse({ users: [{ username: `${user}_iam`, iam: true }] });
    await expect(applyPlan(db.client, plan, passwordOf, log)).rejects.toThrow(/role rds_iam does not exist/);
  });

  test('fails when a password user has no secret', async () => {
    const plan = BootstrapPlanSchema.parse({ users: [{ username: 'nobody' }] });
    await expect(applyPlan(db.client, plan, passwordOf, log)).rejects.toThrow(/user nobody: needs a secretArn/);
  });

  test('the verifier has the documented SCRAM shape', () => {
    expect(scramVerifier('x', Buffer.alloc(16))).toMatch(/^SCRAM-SHA-256\$4096:AAAAAAAAAAAAAAAAAAAAAA==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
  });
});
