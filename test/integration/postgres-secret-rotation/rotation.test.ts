import { Client } from 'pg';
import { postgresPort } from '../../../lambdas/postgres-secret-rotation/adapters';
import { rotate, RotationStep } from '../../../lambdas/postgres-secret-rotation/rotation';
import { FakeSecrets } from '../../helpers/staged-secrets';
import { createLogger } from '../../../lambdas/shared/logger';
import { createTestDatabase, pgConfig } from '../../helpers/pg';

const log = createLogger({ service: 'test', sink: () => undefined });

describe('postgres secret rotation against a real Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const user = `app_rot_${process.pid}`;

  beforeAll(async () => {
    db = await createTestDatabase('rotation');
    await db.client.query(`CREATE ROLE ${user} LOGIN PASSWORD 'initial-password'`);
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client(pgConfig('postgres'));
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${user}`);
    await admin.end();
  });

  const dbPort = () => postgresPort(async () => pgConfig(db.name));

  async function runAll(secrets: FakeSecrets, token: string) {
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as RotationStep[]) {
      await rotate('arn:app', token, step, { secrets, db: dbPort(), log });
    }
  }

  test('the four steps change the password, test it and promote it; the old password stops working', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'initial-password', host: 'h', dbname: db.name });
    secrets.startRotation('t2');
    await runAll(secrets, 't2');
    const current = secrets.versions.t2;
    expect(current.stages).toEqual(['AWSPENDING', 'AWSCURRENT']);
    expect(secrets.versions.v1.stages).toEqual(['AWSPREVIOUS']);
    expect(current.value).toMatchObject({ username: user, host: 'h', dbname: db.name });
    expect(current.value.password).not.toBe('initial-password');
    const port = dbPort();
    expect(await port.tryLogin(user, current.value.password)).toBe(true);
    expect(await port.tryLogin(user, 'initial-password')).toBe(false);
  });

  test.each([
    ['camelCase (rotation templates)', ['createSecret', 'setSecret', 'testSecret', 'finishSecret']],
    ['snake_case (the "Rotation by Lambda function" page)', ['create_secret', 'set_secret', 'test_secret', 'finish_secret']],
  ])('accepts the %s step names: the password changes and the new one works', async (_spelling, steps) => {
    const secrets = new FakeSecrets({ username: user, password: 'unused', dbname: db.name });
    const token = `t-${steps[0]}`;
    secrets.startRotation(token);
    for (const step of steps) {
      await expect(rotate('arn:app', token, step, { secrets, db: dbPort(), log })).resolves.toBe('done');
    }
    expect(secrets.versions[token].stages).toEqual(['AWSPENDING', 'AWSCURRENT']);
    expect(secrets.versions.v1.stages).toEqual(['AWSPREVIOUS']);
    expect(await dbPort().tryLogin(user, secrets.versions[token].value.password)).toBe(true);
  });

  test('fails on an unknown step name before touching the secret or the database', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'p' });
    secrets.startRotation('t8');
    await expect(rotate('arn:app', 't8', 'CreateSecret', { secrets, db: dbPort(), log })).rejects.toThrow(
      /rotation of arn:app \(CreateSecret\): unknown step; expected one of createSecret, create_secret, setSecret/,
    );
    expect(secrets.versions.t8.value).toBeUndefined();
  });

  test('a retried step is a no-op and a finished version is skipped', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'whatever' });
    secrets.startRotation('t3');
    await rotate('arn:app', 't3', 'createSecret', { secrets, db: dbPort(), log });
    const created = secrets.versions.t3.value;
    await expect(rotate('arn:app', 't3', 'createSecret', { secrets, db: dbPort(), log })).resolves.toBe('skipped');
    expect(secrets.versions.t3.value).toBe(created);
    await rotate('arn:app', 't3', 'setSecret', { secrets, db: dbPort(), log });
    await expect(rotate('arn:app', 't3', 'setSecret', { secrets, db: dbPort(), log })).resolves.toBe('skipped');
    await rotate('arn:app', 't3', 'testSecret', { secrets, db: dbPort(), log });
    await rotate('arn:app', 't3', 'finishSecret', { secrets, db: dbPort(), log });
    await expect(rotate('arn:app', 't3', 'finishSecret', { secrets, db: dbPort(), log })).resolves.toBe('skipped');
    expect(await dbPort().tryLogin(user, created.password)).toBe(true);
  });

  test('fails when rotation is disabled or the version is not pending', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'p' });
    secrets.rotationEnabled = false;
    await expect(rotate('arn:app', 'v1', 'createSecret', { secrets, db: dbPort(), log })).rejects.toThrow(/rotation of arn:app \(createSecret\): rotation is not enabled/);
    secrets.rotationEnabled = true;
    secrets.versions.t9 = { value: { username: user, password: 'p' }, stages: ['AWSPREVIOUS'] };
    await expect(rotate('arn:app', 't9', 'setSecret', { secrets, db: dbPort(), log })).rejects.toThrow(/version t9 is not AWSPENDING/);
    await expect(rotate('arn:app', 'nope', 'setSecret', { secrets, db: dbPort(), log })).rejects.toThrow(/version nope has no stage/);
  });

  test('the fake refuses a promote that does not name the version holding AWSCURRENT, as UpdateSecretVersionStage does', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'p' });
    await secrets.put('arn:app', 't5', { username: user, password: 'q' });
    await expect(secrets.promote('arn:app', 't5', undefined)).rejects.toThrow('AWSCURRENT is attached to version v1; RemoveFromVersionId is absent');
    await expect(secrets.promote('arn:app', 't5', 't5')).rejects.toThrow('AWSCURRENT is attached to version v1');
    expect(secrets.versions.v1.stages).toEqual(['AWSCURRENT']);
  });

  test('finishSecret names the version that was current when the rotation ran twice (AWSPREVIOUS moves on)', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'initial-password', dbname: db.name });
    secrets.startRotation('r1');
    await runAll(secrets, 'r1');
    secrets.startRotation('r2');
    await runAll(secrets, 'r2');
    expect(secrets.versions.v1.stages).toEqual([]);
    expect(secrets.versions.r1.stages).toEqual(['AWSPREVIOUS']);
    expect(secrets.versions.r2.stages).toEqual(['AWSPENDING', 'AWSCURRENT']);
    expect(await dbPort().tryLogin(user, secrets.versions.r2.value.password)).toBe(true);
  });

  test('testSecret fails loudly when the pending password does not work', async () => {
    const secrets = new FakeSecrets({ username: user, password: 'p' });
    await secrets.put('arn:app', 't4', { username: user, password: 'never-set' });
    await expect(rotate('arn:app', 't4', 'testSecret', { secrets, db: dbPort(), log })).rejects.toThrow(/cannot log in with the pending password/);
  });
});
