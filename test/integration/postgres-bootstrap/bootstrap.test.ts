import { Client } from 'pg';
import { applyPlan } from '../../../lambdas/postgres-bootstrap/bootstrap';
import { BootstrapPlanSchema, scramVerifier } from '../../../lambdas/postgres-bootstrap/plan';
import { createLogger } from '../../../lambdas/shared/logger';
import { awsS3StandInSql, withAwsS3Extension } from '../../helpers/aws-s3-standin';
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

  test('with aws_s3, the users flagged s3Import get USAGE on aws_s3 and aws_commons and can call the import; without the flag, they cannot', async () => {
    // The stand-in is installed as CREATE EXTENSION aws_s3 CASCADE installs the real one (test/helpers/aws-s3-standin.ts).
    const rds = withAwsS3Extension(db.client, '/nonexistent');
    const plan = BootstrapPlanSchema.parse({ users: [{ username: user, secretArn: 'arn:secret:loader' }] });
    await db.client.query(awsS3StandInSql('/nonexistent')); // installed earlier, by hand or by another plan
    await db.client.query('CREATE TABLE public.s3_grants (id int)');
    await db.client.query(`GRANT INSERT ON public.s3_grants TO ${user}`);
    const call = "SELECT aws_s3.table_import_from_s3('public.s3_grants', 'id', '(format csv)', aws_commons.create_s3_uri('b', 'k.csv', 'eu-west-2'))";
    const usage = async () =>
      (
        await db.client.query(
          `SELECT n AS schema, has_schema_privilege($1, n, 'USAGE') AS usage FROM unnest(ARRAY['aws_s3', 'aws_commons']) AS n ORDER BY n`,
          [user],
        )
      ).rows;

    await applyPlan(rds, plan, passwordOf, log); // no aws_s3 in this plan: no grant
    const before = await loginAs(await passwordOf('arn:secret:loader'));
    await expect(before.query(call)).rejects.toThrow(/permission denied for schema (aws_s3|aws_commons)/);
    await before.end();
    // aws_s3 in the plan, but the user does not import from S3: still no grant.
    await applyPlan(rds, BootstrapPlanSchema.parse({ ...plan, extensions: ['aws_s3'] }), passwordOf, log);
    expect(await usage()).toEqual([
      { schema: 'aws_commons', usage: false },
      { schema: 'aws_s3', usage: false },
    ]);

    const importer = BootstrapPlanSchema.parse({ users: [{ username: user, secretArn: 'arn:secret:loader', s3Import: true }], extensions: ['aws_s3'] });
    await applyPlan(rds, importer, passwordOf, log);
    expect(await usage()).toEqual([
      { schema: 'aws_commons', usage: true },
      { schema: 'aws_s3', usage: true },
    ]);
    const fns = await db.client.query(
      `SELECT p.oid::regprocedure::text AS fn, has_function_privilege($1, p.oid, 'EXECUTE') AS execute
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('aws_s3', 'aws_commons') ORDER BY 1`,
      [user],
    );
    expect(fns.rows).toEqual([
      { fn: 'aws_commons.create_s3_uri(text,text,text)', execute: true },
      { fn: 'aws_s3.table_import_from_s3(text,text,text,aws_commons._s3_uri_1)', execute: true },
    ]);
    // Past the privileges, the stand-in gets as far as reading the (absent) mirror file.
    const after = await loginAs(await passwordOf('arn:secret:loader'));
    await expect(after.query(call)).rejects.toThrow(/could not open file "\/nonexistent\/b\/k\.csv"/);
    await after.end();

    // Dropping the flag takes the grant back.
    await applyPlan(rds, BootstrapPlanSchema.parse({ ...importer, users: [{ ...importer.users[0], s3Import: false }] }), passwordOf, log);
    expect(await usage()).toEqual([
      { schema: 'aws_commons', usage: false },
      { schema: 'aws_s3', usage: false },
    ]);
    await db.client.query('DROP TABLE public.s3_grants; DROP SCHEMA aws_s3, aws_commons CASCADE');
  });

  test('the verifier has the documented SCRAM shape', () => {
    expect(scramVerifier('x', Buffer.alloc(16))).toMatch(/^SCRAM-SHA-256\$4096:AAAAAAAAAAAAAAAAAAAAAA==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
  });
});
