import { Client } from 'pg';
import { applyPlan } from '../../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema } from '../../../lambdas/postgres-bootstrap/plan';
import { postgresPort } from '../../../lambdas/postgres-secret-rotation/adapters';
import { rotate, RotationStep } from '../../../lambdas/postgres-secret-rotation/rotation';
import { createLogger } from '../../../lambdas/shared/logger';
import { createTestDatabase, pgConfig } from '../../helpers/pg';
import { FakeSecrets } from '../../helpers/staged-secrets';

const log = createLogger({ service: 'test', sink: () => undefined });

/**
 * Alternating-users rotation for a login a long-running client holds (a DMS CDC task, a loader's warm pool): the
 * bootstrap creates `<user>` and `<user>_clone`, each rotation moves the secret to the other one with a new password,
 * and the credentials read before a rotation keep working until the next one. Real Postgres; Secrets Manager's
 * version stages are the in-memory FakeSecrets (test/helpers/staged-secrets.ts).
 */
describe('alternating-users rotation against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const user = `dms_alt_${process.pid}`;
  const clone = `${user}_clone`;
  const secrets = new FakeSecrets({ engine: 'postgres', username: user, password: 'first-password-1', dbname: 'x' });
  const current = async () => (await secrets.get('arn:dms', 'AWSCURRENT'))!;
  const plan = BootstrapPlanSchema.parse({ users: [{ username: user, secretArn: 'arn:dms', alternate: true, grants: [{ schema: 'landing', privilege: 'owner' }] }] });
  const bootstrap = () => applyPlan(db.client, plan, async () => current(), log);
  const held: Client[] = [];

  async function login(username: string, password: string): Promise<Client> {
    const c = new Client({ ...pgConfig(db.name), user: username, password });
    await c.connect();
    held.push(c);
    return c;
  }
  async function rotation(token: string) {
    secrets.startRotation(token);
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as RotationStep[]) {
      await rotate('arn:dms', token, step, { secrets, db: postgresPort(async () => pgConfig(db.name)), log }, 'alternating-users');
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('rotation_alternating');
  });
  afterAll(async () => {
    await Promise.all(held.map((c) => c.end().catch(() => undefined)));
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${clone}`);
    await admin.query(`DROP ROLE IF EXISTS ${user}`);
    await admin.end();
  });

  test('the bootstrap creates the user and its clone; the clone acts as the user and has no password yet', async () => {
    const result = await bootstrap();
    expect(result.usersCreated).toEqual([user, clone]);
    const roles = await db.client.query('SELECT rolname, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname', [[user, clone]]);
    expect(roles.rows).toEqual([
      { rolname: user, has_password: true },
      { rolname: clone, has_password: false },
    ]);
  });

  test('each rotation alternates the login; the credentials read before a rotation still work after it', async () => {
    const before = await current();
    const running = await login(before.username, before.password); // e.g. the CDC task, connected before rotation
    await rotation('r1');
    const first = await current();
    expect(first.username).toBe(clone);
    expect(first.password).not.toBe(before.password);
    // The old credentials still open new connections (a task that reconnects with what it read), and the open one works.
    await expect(login(before.username, before.password)).resolves.toBeDefined();
    await running.query("SELECT 1");
    // The clone's session is the user: same privileges, and what it creates belongs to the user.
    const viaClone = await login(first.username, first.password);
    await viaClone.query('CREATE TABLE landing.t (id int); INSERT INTO landing.t VALUES (1)');
    expect((await viaClone.query('SELECT current_user AS u, session_user AS s')).rows).toEqual([{ u: user, s: clone }]);
    expect((await db.client.query("SELECT relowner::regrole::text AS o FROM pg_class WHERE oid = 'landing.t'::regclass")).rows[0].o).toBe(user);

    await rotation('r2');
    const second = await current();
    expect(second.username).toBe(user);
    await expect(login(before.username, before.password)).rejects.toThrow(/password authentication failed/); // two rotations old
    await expect(login(first.username, first.password)).resolves.toBeDefined(); // one rotation old: still valid
    await expect(login(second.username, second.password)).resolves.toBeDefined();
  });

  test('a bootstrap run after rotations sets only the login the secret names: the other keeps its valid password', async () => {
    const now = await current(); // the user (after two rotations)
    const previous = (await secrets.get('arn:dms', 'AWSPREVIOUS'))!; // the clone's, still in use by someone
    await bootstrap();
    await expect(login(previous.username, previous.password)).resolves.toBeDefined();
    await expect(login(now.username, now.password)).resolves.toBeDefined();
  });

  test('a secret naming a login outside the pair fails before anything changes', async () => {
    await expect(applyPlan(db.client, plan, async () => ({ username: 'someone_else', password: 'x' }), log)).rejects.toThrow(
      `user ${user}: its secret names user someone_else, expected ${user} or ${clone}`,
    );
  });
});
