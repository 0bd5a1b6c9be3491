import type { Client } from 'pg';
import type { Logger } from '../shared/logger';
import { BootstrapPlan, cloneOf, grantsOf, ident, literal, planProblems, SchemaPrivilege, scramVerifier } from './plan';
import { splitSqlStatements, statementPreview } from './sql-files';

export interface BootstrapResult {
  readonly usersCreated: string[];
  readonly usersUpdated: string[];
  readonly schemas: string[];
  readonly extensions: string[];
  /** `user privilege schema`, one per applied grant. */
  readonly grants: string[];
  readonly schemaFilesApplied: string[];
  /** Files whose content (sha256) the ledger already holds: not run again. */
  readonly schemaFilesSkipped: string[];
}

export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

/**
 * Reads a user's secret (JSON with `password`, and `username`): the password alone, or both. With alternating users
 * the secret's `username` says which of the pair (`<user>` or `<user>_clone`) the password belongs to.
 */
export type PasswordSource = (secretArn: string) => Promise<string | { readonly username?: string; readonly password: string }>;

/**
 * Schemas an extension puts its objects in, which the plan's users need USAGE on (and EXECUTE on their functions)
 * to call it: a schema's objects are out of reach without USAGE on the schema
 * (https://www.postgresql.org/docs/current/ddl-priv.html). aws_s3 (with aws_commons, created by CASCADE) is called
 * by the loader, which is not the master user (templates/postgres/s3-import.sql grants the same;
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.S3Import.InstallExtension.html).
 */
export const EXTENSION_USER_SCHEMAS: Readonly<Record<string, readonly string[]>> = {
  aws_s3: ['aws_s3', 'aws_commons'],
};

/** Where the bootstrap records the schema files it applied (name, sha256), so an unchanged file is not run again. */
export const SCHEMA_FILE_LEDGER = { schema: 'migration_kit_bootstrap', table: 'schema_files' } as const;

/** Table and sequence privileges per schema privilege (owners also write the tables others created in their schema). */
const TABLE_PRIVILEGES: Record<SchemaPrivilege, string> = {
  read: 'SELECT',
  write: 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE',
  owner: 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE',
};
const SEQUENCE_PRIVILEGES: Record<SchemaPrivilege, string> = { read: 'SELECT', write: 'USAGE, SELECT', owner: 'USAGE, SELECT' };

interface PgError {
  message: string;
  code?: string;
}

/**
 * Applies the plan in ONE transaction as the master user, so a failure anywhere (a bad schema file included) leaves
 * the database as it was:
 * 1. roles (password as a SCRAM verifier, or rds_iam), CONNECT and TEMPORARY on the database;
 * 2. the schemas the plan names, owned by their `owner` user (created when missing);
 * 3. extensions;
 * 4. schema files whose sha256 the ledger lacks, statement by statement, as their owner;
 * 5. grants: in each schema the plan names, each plan user ends with exactly its declared privileges, on the tables
 *    and sequences there now and (default privileges of the schema's owner) those created later;
 * 6. USAGE on the extensions' schemas (aws_s3, aws_commons) for the users that import from S3, and for no other.
 * Re-running changes nothing but the password verifiers.
 */
export async function applyPlan(db: Client, plan: BootstrapPlan, passwordOf: PasswordSource, log: Logger): Promise<BootstrapResult> {
  const problems = planProblems(plan);
  if (problems.length) throw new BootstrapError(`invalid plan, nothing changed: ${problems.join('; ')}`);
  const result: BootstrapResult = { usersCreated: [], usersUpdated: [], schemas: [], extensions: [], grants: [], schemaFilesApplied: [], schemaFilesSkipped: [] };
  // role -> password to set; with alternating users only the role the secret names (the other keeps its password,
  // which stays valid until the next rotation: a running client is not cut off).
  const passwords = new Map<string, string>();
  for (const user of plan.users) {
    if (!user.secretArn) continue;
    const read = await passwordOf(user.secretArn);
    const { username = user.username, password } = typeof read === 'string' ? { password: read } : read;
    const allowed = user.alternate ? [user.username, cloneOf(user.username)] : [user.username];
    if (!allowed.includes(username)) throw new BootstrapError(`user ${user.username}: its secret names user ${username}, expected ${allowed.join(' or ')}`);
    passwords.set(username, password);
  }
  const { rows } = await db.query<{ db: string; me: string }>('SELECT current_database() AS db, current_user AS me');
  const { db: database, me } = rows[0];
  const planUsers = new Set(plan.users.map((u) => u.username));
  // schema -> (user -> privilege), for every schema a grant names.
  const managed = new Map<string, Map<string, SchemaPrivilege>>();
  for (const user of plan.users) {
    for (const grant of grantsOf(user)) {
      if (!managed.has(grant.schema)) managed.set(grant.schema, new Map());
      managed.get(grant.schema)!.set(user.username, grant.privilege);
    }
  }
  await db.query('BEGIN');
  try {
    for (const user of plan.users) {
      const exists = (await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user.username])).rowCount === 1;
      const password = passwords.get(user.username);
      // An alternating user whose secret names the clone keeps its own password (PASSWORD NULL only when created).
      const auth = password ? ` PASSWORD ${literal(scramVerifier(password))}` : user.alternate && exists ? '' : ' PASSWORD NULL';
      await db.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(user.username)} WITH LOGIN NOSUPERUSER NOCREATEROLE${auth}`);
      (exists ? result.usersUpdated : result.usersCreated).push(user.username);
      if (user.alternate) await applyClone(db, user.username, passwords.get(cloneOf(user.username)), database, result);
      if (user.iam) {
        const iamRole = (await db.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'")).rowCount === 1;
        if (!iamRole) throw new BootstrapError(`user ${user.username}: role rds_iam does not exist; IAM authentication needs RDS or Aurora PostgreSQL`);
        await db.query(`GRANT rds_iam TO ${ident(user.username)}`);
      }
      await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(user.username)}`);
      // The master user must be a member to hand over schemas, run files as the user and set its default
      // privileges (RDS masters are not superusers).
      await db.query(`GRANT ${ident(user.username)} TO CURRENT_USER`);
    }

    const owners = new Map<string, string>();
    for (const [schema, privileges] of managed) {
      const owner = [...privileges].find(([, p]) => p === 'owner')?.[0];
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}${owner ? ` AUTHORIZATION ${ident(owner)}` : ''}`);
      const current = (await db.query<{ o: string }>('SELECT nspowner::regrole::text AS o FROM pg_namespace WHERE nspname = $1', [schema])).rows[0].o;
      // A user of the plan no longer declared owner gives the schema back to the master user.
      const wanted = owner ?? (planUsers.has(current) ? me : current);
      if (wanted !== current) await db.query(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(wanted)}`);
      owners.set(schema, wanted);
      result.schemas.push(schema);
    }

    for (const extension of plan.extensions) {
      const available = (await db.query('SELECT 1 FROM pg_available_extensions WHERE name = $1', [extension])).rowCount === 1;
      if (!available) throw new BootstrapError(`extension ${extension} is not available on this server (aws_s3 exists only on RDS/Aurora PostgreSQL)`);
      await db.query(`CREATE EXTENSION IF NOT EXISTS ${ident(extension)} CASCADE`);
      result.extensions.push(extension);
    }

    if (plan.schemaFiles.length) await applySchemaFiles(db, plan, result);

    for (const [schema, privileges] of managed) {
      const owner = owners.get(schema)!;
      // Default privileges can be set only for a role the master user is (or is a member of).
      const defaults = owner === me || planUsers.has(owner) ? `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(owner)} IN SCHEMA ${ident(schema)}` : undefined;
      for (const user of plan.users) {
        const who = ident(user.username);
        const s = ident(schema);
        const privilege = privileges.get(user.username);
        if (user.username !== owner) {
          // Exactly what is declared: what an earlier plan granted (e.g. write, now read) goes first.
          await db.query(`REVOKE ALL ON SCHEMA ${s} FROM ${who}`);
          await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${who}`);
          await db.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${who}`);
          if (defaults) {
            await db.query(`${defaults} REVOKE ALL ON TABLES FROM ${who}`);
            await db.query(`${defaults} REVOKE ALL ON SEQUENCES FROM ${who}`);
          }
        }
        if (!privilege) continue;
        await db.query(`GRANT USAGE ON SCHEMA ${s} TO ${who}`);
        await db.query(`GRANT ${TABLE_PRIVILEGES[privilege]} ON ALL TABLES IN SCHEMA ${s} TO ${who}`);
        await db.query(`GRANT ${SEQUENCE_PRIVILEGES[privilege]} ON ALL SEQUENCES IN SCHEMA ${s} TO ${who}`);
        if (defaults && user.username !== owner) {
          await db.query(`${defaults} GRANT ${TABLE_PRIVILEGES[privilege]} ON TABLES TO ${who}`);
          await db.query(`${defaults} GRANT ${SEQUENCE_PRIVILEGES[privilege]} ON SEQUENCES TO ${who}`);
        }
        result.grants.push(`${user.username} ${privilege} ${schema}`);
      }
    }

    for (const extension of plan.extensions) {
      const schemas = (EXTENSION_USER_SCHEMAS[extension] ?? []).map(ident).join(', ');
      if (!schemas) continue;
      for (const user of plan.users) {
        const verb = user.s3Import ? 'GRANT' : 'REVOKE';
        const to = user.s3Import ? 'TO' : 'FROM';
        await db.query(`${verb} USAGE ON SCHEMA ${schemas} ${to} ${ident(user.username)}`);
        await db.query(`${verb} EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schemas} ${to} ${ident(user.username)}`);
      }
    }
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  log.info('bootstrap applied', { database, ...result });
  return result;
}

/**
 * The second login of an alternating-users pair: a member of the user (so it holds exactly the user's privileges,
 * now and later) whose sessions start as the user (`ALTER ROLE ... SET role`), so what it creates belongs to the user
 * too. AWS's alternating-users rotation clones the user on the first rotation
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html); here the bootstrap creates the
 * clone, so the rotation function only ever changes passwords.
 */
async function applyClone(db: Client, username: string, password: string | undefined, database: string, result: BootstrapResult): Promise<void> {
  const clone = cloneOf(username);
  const exists = (await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [clone])).rowCount === 1;
  const auth = password ? ` PASSWORD ${literal(scramVerifier(password))}` : exists ? '' : ' PASSWORD NULL';
  await db.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(clone)} WITH LOGIN NOSUPERUSER NOCREATEROLE${auth}`);
  (exists ? result.usersUpdated : result.usersCreated).push(clone);
  await db.query(`GRANT ${ident(username)} TO ${ident(clone)}`);
  await db.query(`ALTER ROLE ${ident(clone)} SET role = ${literal(username)}`);
  await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(clone)}`);
}

/**
 * Runs the schema files the ledger does not hold at their current sha256, each statement on its own so a failure
 * names the file, the statement and its line; the caller's transaction rolls everything back.
 */
async function applySchemaFiles(db: Client, plan: BootstrapPlan, result: BootstrapResult): Promise<void> {
  const ledger = `${ident(SCHEMA_FILE_LEDGER.schema)}.${ident(SCHEMA_FILE_LEDGER.table)}`;
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${ident(SCHEMA_FILE_LEDGER.schema)}`);
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${ledger} (name text PRIMARY KEY, sha256 text NOT NULL, owner text, statements int NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const applied = new Map((await db.query<{ name: string; sha256: string }>(`SELECT name, sha256 FROM ${ledger}`)).rows.map((r) => [r.name, r.sha256]));
  for (const file of plan.schemaFiles) {
    if (applied.get(file.name) === file.sha256) {
      result.schemaFilesSkipped.push(file.name);
      continue;
    }
    const { statements } = splitSqlStatements(file.sql);
    if (file.owner) await db.query(`SET ROLE ${ident(file.owner)}`);
    for (const [index, statement] of statements.entries()) {
      try {
        await db.query(statement.text);
      } catch (err) {
        const e = err as PgError;
        throw new BootstrapError(
          `schema file ${file.name}, statement ${index + 1} (line ${statement.line}: ${statementPreview(statement.text)})${file.owner ? ` as ${file.owner}` : ''} failed: ` +
            `${e.message}${e.code ? ` [SQLSTATE ${e.code}]` : ''}. Nothing was applied: every change of this run is rolled back.`,
        );
      }
    }
    if (file.owner) await db.query('RESET ROLE');
    await db.query(
      `INSERT INTO ${ledger} (name, sha256, owner, statements) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, owner = EXCLUDED.owner, statements = EXCLUDED.statements, applied_at = now()`,
      [file.name, file.sha256, file.owner ?? null, statements.length],
    );
    result.schemaFilesApplied.push(file.name);
  }
}
