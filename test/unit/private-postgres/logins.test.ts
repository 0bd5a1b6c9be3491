import { PrivatePostgres, PrivatePostgresProps } from '../../../modules/private-postgres';
import { schemaFileSha256 } from '../../../lambdas/postgres-bootstrap/plan';
import { MAX_SCHEMA_FILE_BYTES, schemaFileProblems, splitSqlStatements } from '../../../lambdas/postgres-bootstrap/sql-files';
import { checkStack } from '../../../tools/policy-check/engine';
import { onlyResource, resources, synthJson, testStack, TWO_AZ_NETWORK } from '../../helpers/synth';
import * as fs from 'node:fs';
import * as path from 'node:path';

function build(props: Partial<PrivatePostgresProps> = {}) {
  const stack = testStack();
  const db = new PrivatePostgres(stack, 'db', { network: TWO_AZ_NETWORK, databaseName: 'app', ...props });
  return { stack, db, json: () => synthJson(stack) };
}

const LOGINS: PrivatePostgresProps['logins'] = [
  { username: 'loader', grants: [{ schema: 'landing', privilege: 'owner' }] },
  { username: 'dms_writer', grants: [{ schema: 'landing', privilege: 'write' }], rotation: false },
  { username: 'reporting', grants: [{ schema: 'landing', privilege: 'read' }], authentication: 'iam' },
];

describe('PrivatePostgres logins', () => {
  const { db, stack, json: synth } = build({ logins: LOGINS });
  const json = synth();
  const secrets = json.resource.aws_secretsmanager_secret as Record<string, Record<string, unknown>>;

  test('each password login has its own CMK-encrypted secret; the IAM login has none', () => {
    expect(Object.values(secrets).map((s) => s.name).sort()).toEqual(['demo-staging-db/dms_writer', 'demo-staging-db/loader']);
    for (const s of Object.values(secrets)) expect(s.kms_key_id).toMatch(/aws_kms_key\.db_key/);
    expect(db.login('reporting')).toMatchObject({ username: 'reporting', authentication: 'iam', secretArn: undefined });
    expect(db.login('loader').secretArn).toEqual(expect.any(String));
    expect(db.login('loader').kmsKeyArn).toBe(db.secretKmsKeyArn);
  });

  test('each secret is written write-only with the shape DMS reads (engine, username, password, host, port, dbname)', () => {
    const versions = resources(json, 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(2);
    for (const v of versions) {
      expect(v.secret_string).toBeUndefined();
      expect(v.secret_string_wo).toMatch(/^\$\{jsonencode\(\{"engine" = "postgres", "username" = "(loader|dms_writer)", "password" = data\.aws_secretsmanager_random_password\.db_login-(loader|dms_writer)-password_[A-F0-9]+\.random_password, "host" = aws_db_instance\.db_instance_[A-F0-9]+\.address, "port" = 5432, "dbname" = "app"\}\)\}$/);
    }
  });

  test('each rotated login has its own rotation function, which may write its own secret and no other', () => {
    const rotations = resources(json, 'aws_secretsmanager_secret_rotation');
    expect(rotations).toHaveLength(1); // dms_writer: rotation false; reporting: IAM
    expect(rotations[0].secret_id).toMatch(/db_login-loader-secret/);
    const fn = resources(json, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-db-loader-rotation')!;
    expect(fn.reserved_concurrent_executions).toBe(10);
    const policy = Object.entries(json.resource.aws_iam_role_policy as Record<string, { policy: string }>).find(([k]) => k.startsWith('db_login-loader-rotation'))![1];
    const writes = JSON.parse(policy.policy).Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().includes('secretsmanager:PutSecretValue'));
    expect(writes).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        Resource: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.db_login-loader-secret_[A-F0-9]+\.arn\}$/),
      },
    ]);
  });

  test('the bootstrap plan carries each login with its grants; its function may read exactly the two secrets', () => {
    const plan = JSON.parse(onlyResource(json, 'aws_lambda_invocation').input);
    expect(plan.users).toEqual([
      { username: 'loader', secretArn: expect.stringMatching(/db_login-loader-secret/), iam: false, schemas: [], grants: [{ schema: 'landing', privilege: 'owner' }] },
      { username: 'dms_writer', secretArn: expect.stringMatching(/db_login-dms_writer-secret/), iam: false, schemas: [], grants: [{ schema: 'landing', privilege: 'write' }] },
      { username: 'reporting', iam: true, schemas: [], grants: [{ schema: 'landing', privilege: 'read' }] },
    ]);
    const policy = Object.entries(json.resource.aws_iam_role_policy as Record<string, { policy: string }>).find(([k]) => k.startsWith('db_bootstrap_function_role'))![1];
    const reads = JSON.parse(policy.policy).Statement.filter((s: { Action: string | string[] }) => [s.Action].flat().join() === 'secretsmanager:GetSecretValue');
    expect(reads.map((s: { Resource: string }) => s.Resource)).toEqual([expect.stringMatching(/db_login-loader-secret/), expect.stringMatching(/db_login-dms_writer-secret/)]);
  });

  test('grantSecretRead takes a login name; a DMS target takes db.login(name) as its secret', () => {
    const { ServiceRole } = jest.requireActual('../../../modules/core');
    const role = new ServiceRole(stack, 'consumer', { name: 'demo-staging-consumer', servicePrincipal: 'lambda.amazonaws.com', description: 'test' });
    db.grantSecretRead(role, 'dms_writer');
    expect(() => db.grantSecretRead(role, 'reporting')).toThrow(/login "reporting" uses IAM authentication and has no secret; use grantConnect/);
    expect(() => db.login('nobody')).toThrow(/no login "nobody" on this database; its logins are loader, dms_writer, reporting/);
  });

  test('passes the policy check (the unrotated DMS login aside, which a stack waives with a reason)', () => {
    const findings = checkStack('test', json as never).findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.address}`);
    expect(findings).toEqual([expect.stringMatching(/^SECRETS-ROTATION aws_secretsmanager_secret\.db_login-dms_writer-secret/)]);
  });

  test.each([
    ['a reserved name', { logins: [{ username: 'rdsadmin' }] }, /logins\[0\]\.username "rdsadmin" must be a lower-case identifier other than/],
    ['a name used twice', { appUser: { username: 'loader' }, logins: [{ username: 'loader' }] }, /logins\[0\]\.username "loader" is already a login of this database/],
    ['a schema granted twice', { logins: [{ username: 'a', grants: [{ schema: 's', privilege: 'read' }, { schema: 's', privilege: 'write' }] }] }, /logins\[0\]\.grants names schema "s" twice/],
    ['a bad privilege', { logins: [{ username: 'a', grants: [{ schema: 's', privilege: 'admin' as never }] }] }, /logins\[0\]\.grants\[0\]\.privilege "admin" is not one of read, write, owner/],
    ['two owners of one schema', { logins: [{ username: 'a', grants: [{ schema: 's', privilege: 'owner' }] }, { username: 'b', grants: [{ schema: 's', privilege: 'owner' }] }] }, /schema s has two owners \(a, b\); a schema has one owner, give the other write/],
    ['a rotation period out of range', { logins: [{ username: 'a', rotationDays: 400 }] }, /logins\[0\]\.rotationDays must be an integer from 1 to 365/],
  ])('fails at synth on %s', (_name, props, message) => {
    expect(() => build(props as Partial<PrivatePostgresProps>)).toThrow(message);
  });

  test('appUser keeps its resources and ids (app-user-secret, app-user-rotation) beside the logins', () => {
    const out = build({ appUser: { username: 'app_owner', schemas: ['landing'] }, logins: [{ username: 'reader', grants: [{ schema: 'landing', privilege: 'read' }] }] }).json();
    expect(Object.keys(out.resource.aws_secretsmanager_secret).map((k) => k.replace(/_[A-F0-9]+$/, ''))).toEqual(['db_app-user-secret', 'db_login-reader-secret']);
    expect(resources(out, 'aws_lambda_function').map((f) => f.function_name).sort()).toEqual(['demo-staging-db-bootstrap', 'demo-staging-db-reader-rotation', 'demo-staging-db-secret-rotation']);
  });
});

describe('schema files', () => {
  const here = path.relative(path.resolve(__dirname, '../../..'), path.join(__dirname, 'sql'));

  test('are read at synth and shipped in the invocation payload with their sha256, run as their login; never in the environment', () => {
    const { json } = build({ logins: [{ username: 'loader', grants: [{ schema: 'landing', privilege: 'owner' }], schemaFiles: [`${here}/orders.sql`] }] });
    const out = json();
    const sql = fs.readFileSync(path.join(__dirname, 'sql', 'orders.sql'), 'utf8');
    expect(JSON.parse(onlyResource(out, 'aws_lambda_invocation').input).schemaFiles).toEqual([
      { name: 'test/unit/private-postgres/sql/orders.sql', sql, sha256: schemaFileSha256(sql), owner: 'loader' },
    ]);
    const fn = resources(out, 'aws_lambda_function').find((f) => f.function_name === 'demo-staging-db-bootstrap')!;
    expect(JSON.stringify(fn.environment)).not.toContain('CREATE TABLE');
  });

  test.each([
    ['a missing file', `sql/none.sql`, /schemaFiles: test\/unit\/private-postgres\/sql\/none\.sql does not exist/],
    ['a path outside the repository', '../x.sql', /schemaFiles: "\.\.\/x\.sql" must be a \.sql file relative to the repository root/],
    ['transaction control', 'sql/with-commit.sql', /with-commit\.sql statement 2 \(line 2: COMMIT\): transaction control/],
    ['a file with no statement', 'sql/comments-only.sql', /comments-only\.sql has no SQL statement \(empty or comments only\)/],
  ])('fail at synth on %s', (_name, file, message) => {
    const rel = file.startsWith('sql/') ? `${here}/${file.slice(4)}` : file;
    expect(() => build({ logins: [{ username: 'loader', schemaFiles: [rel] }] }).json()).toThrow(message);
  });

  test('a file owned by someone who is not a login fails', () => {
    const { db } = build();
    expect(() => db.addSchemaFile(`${here}/orders.sql`, 'ghost')).toThrow(/no login "ghost" on this database/);
  });
});

describe('splitSqlStatements and schemaFileProblems (shared by synth and the bootstrap)', () => {
  test('splits at top-level semicolons only, with each statement\'s line', () => {
    const sql = [
      "-- a; comment",
      "CREATE TABLE t (a text DEFAULT 'x;y', \"b;c\" int);",
      "/* block; /* nested; */ still */ INSERT INTO t VALUES (E'it\\'s;', 1);",
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;',
      'DO $$ BEGIN PERFORM 1; END $$',
    ].join('\n');
    const { statements, problems } = splitSqlStatements(sql);
    expect(problems).toEqual([]);
    expect(statements.map((s) => [s.line, s.text])).toEqual([
      [2, "CREATE TABLE t (a text DEFAULT 'x;y', \"b;c\" int)"],
      [3, "INSERT INTO t VALUES (E'it\\'s;', 1)"],
      [4, 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$'],
      [5, 'DO $$ BEGIN PERFORM 1; END $$'],
    ]);
  });

  test('reports unterminated strings, bodies and comments', () => {
    expect(splitSqlStatements("SELECT 'x;\nSELECT 1;").problems).toEqual(['unterminated string starting on line 1']);
    expect(splitSqlStatements('SELECT $a$ x;').problems).toEqual(['unterminated $a$ body starting on line 1']);
    expect(splitSqlStatements('/* x').problems).toEqual(['unterminated /* comment starting on line 1']);
  });

  test.each([
    ['BEGIN;', 'transaction control'],
    ['start transaction;', 'transaction control'],
    ['ROLLBACK;', 'transaction control'],
    ['SAVEPOINT a;', 'transaction control'],
    ['CREATE INDEX CONCURRENTLY i ON t (a);', 'CONCURRENTLY cannot run inside a transaction block'],
    ['VACUUM t;', 'cannot run inside a transaction block'],
    ['CREATE DATABASE x;', 'cannot run inside a transaction block'],
    ['SET ROLE postgres;', 'may not switch roles'],
    ['RESET ROLE;', 'may not switch roles'],
    ['SET SESSION AUTHORIZATION postgres;', 'may not switch roles'],
    ['\\connect other', 'psql meta-commands are not SQL'],
  ])('refuses %s', (sql, why) => {
    expect(schemaFileProblems('f.sql', `CREATE TABLE t (a int);\n${sql}`)).toEqual([expect.stringContaining(why)]);
  });

  test('accepts ordinary DDL, and refuses a file over the size limit', () => {
    expect(schemaFileProblems('f.sql', 'CREATE TABLE IF NOT EXISTS s.t (a int);\nALTER TABLE s.t ADD COLUMN IF NOT EXISTS b text;\nCOMMENT ON TABLE s.t IS \'begin; commit\';')).toEqual([]);
    expect(schemaFileProblems('big.sql', `-- ${'x'.repeat(MAX_SCHEMA_FILE_BYTES)}`)).toEqual([`big.sql is ${MAX_SCHEMA_FILE_BYTES + 3} bytes; the limit is ${MAX_SCHEMA_FILE_BYTES} (split it into several files)`]);
  });
});

describe('a login as the DMS target\'s secret', () => {
  test('PostgresTargetEndpoint takes db.loginSecret(name): DMS reads that login\'s secret and decrypts with the database key', () => {
    const { PostgresTargetEndpoint } = jest.requireActual('../../../modules/dms-migration');
    const { stack, db, json } = build({ logins: LOGINS });
    new PostgresTargetEndpoint(stack, 'target', { component: 'target', database: db, secret: db.loginSecret('dms_writer') });
    const out = json();
    expect(onlyResource(out, 'aws_dms_endpoint').secrets_manager_arn).toMatch(/^\$\{aws_secretsmanager_secret\.db_login-dms_writer-secret_[A-F0-9]+\.arn\}$/);
    expect(() => db.loginSecret('reporting')).toThrow(/login "reporting" uses IAM authentication and has no secret/);
  });
});

describe('alternating-users rotation (issue 14)', () => {
  test('the plan asks for the clone, and the login\'s rotation function alternates', () => {
    const out = build({ logins: [{ username: 'dms_writer', grants: [{ schema: 'landing', privilege: 'write' }], rotationStrategy: 'alternating-users' }, { username: 'loader' }] }).json();
    const plan = JSON.parse(onlyResource(out, 'aws_lambda_invocation').input);
    expect(plan.users.map((u: { username: string; alternate?: boolean }) => [u.username, u.alternate ?? false])).toEqual([
      ['dms_writer', true],
      ['loader', false],
    ]);
    const fns = resources(out, 'aws_lambda_function');
    expect(fns.find((f) => f.function_name === 'demo-staging-db-dms-writer-rotation')!.environment.variables.ROTATION_STRATEGY).toBe('alternating-users');
    expect(fns.find((f) => f.function_name === 'demo-staging-db-loader-rotation')!.environment.variables.ROTATION_STRATEGY).toBeUndefined();
  });

  test.each([
    ['an IAM login', { username: 'a', authentication: 'iam' as const, rotationStrategy: 'alternating-users' as const }, /rotationStrategy "alternating-users" rotates a password: it needs authentication "password" and rotation on/],
    ['rotation off', { username: 'a', rotation: false, rotationStrategy: 'alternating-users' as const }, /rotationStrategy "alternating-users" rotates a password/],
    ['a name too long for its clone', { username: 'a'.repeat(58), rotationStrategy: 'alternating-users' as const }, /is 58 characters; with alternating users its clone .* must fit Postgres's 63: use at most 57/],
  ])('fails at synth with %s', (_label, login, message) => {
    expect(() => build({ logins: [login] })).toThrow(message);
  });
});
