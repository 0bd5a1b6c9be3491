import type { Client } from 'pg';
import type { Logger } from '../shared/logger';
import { BootstrapPlan, ident, literal, scramVerifier } from './plan';

export interface BootstrapResult {
  readonly usersCreated: string[];
  readonly usersUpdated: string[];
  readonly schemas: string[];
  readonly extensions: string[];
}

export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootstrapError';
  }
}

/** Reads a user's password from its secret (JSON with `password`). */
export type PasswordSource = (secretArn: string) => Promise<string>;

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

/**
 * Applies the plan in one transaction as the master user: roles (password as a SCRAM verifier, or rds_iam),
 * owned schemas, CONNECT on the database, extensions, and the users' USAGE on the extensions' schemas.
 * Re-running changes nothing but the password verifier.
 */
export async function applyPlan(db: Client, plan: BootstrapPlan, passwordOf: PasswordSource, log: Logger): Promise<BootstrapResult> {
  const result: BootstrapResult = { usersCreated: [], usersUpdated: [], schemas: [], extensions: [] };
  const passwords = new Map<string, string>();
  for (const user of plan.users) {
    if (user.secretArn) passwords.set(user.username, await passwordOf(user.secretArn));
    else if (!user.iam) throw new BootstrapError(`user ${user.username}: needs a secretArn (password login) or iam: true`);
  }
  const { rows } = await db.query<{ db: string }>('SELECT current_database() AS db');
  const database = rows[0].db;
  await db.query('BEGIN');
  try {
    for (const user of plan.users) {
      const exists = (await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user.username])).rowCount === 1;
      const password = passwords.get(user.username);
      const auth = password ? `PASSWORD ${literal(scramVerifier(password))}` : 'PASSWORD NULL';
      await db.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(user.username)} WITH LOGIN NOSUPERUSER NOCREATEROLE ${auth}`);
      (exists ? result.usersUpdated : result.usersCreated).push(user.username);
      if (user.iam) {
        const iamRole = (await db.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'")).rowCount === 1;
        if (!iamRole) throw new BootstrapError(`user ${user.username}: role rds_iam does not exist; IAM authentication needs RDS or Aurora PostgreSQL`);
        await db.query(`GRANT rds_iam TO ${ident(user.username)}`);
      }
      await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(database)} TO ${ident(user.username)}`);
      for (const schema of user.schemas) {
        // The master user must be a member to hand over ownership (RDS masters are not superusers).
        await db.query(`GRANT ${ident(user.username)} TO CURRENT_USER`);
        await db.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(user.username)}`);
        await db.query(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(user.username)}`);
        result.schemas.push(schema);
      }
    }
    for (const extension of plan.extensions) {
      const available = (await db.query('SELECT 1 FROM pg_available_extensions WHERE name = $1', [extension])).rowCount === 1;
      if (!available) throw new BootstrapError(`extension ${extension} is not available on this server (aws_s3 exists only on RDS/Aurora PostgreSQL)`);
      await db.query(`CREATE EXTENSION IF NOT EXISTS ${ident(extension)} CASCADE`);
      result.extensions.push(extension);
      const schemas = (EXTENSION_USER_SCHEMAS[extension] ?? []).map(ident).join(', ');
      for (const user of schemas ? plan.users : []) {
        await db.query(`GRANT USAGE ON SCHEMA ${schemas} TO ${ident(user.username)}`);
        await db.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schemas} TO ${ident(user.username)}`);
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
