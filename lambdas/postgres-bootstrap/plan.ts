import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { MAX_SCHEMA_FILES_TOTAL_BYTES, schemaFileProblems } from './sql-files';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * What a login may do in a schema. `read`: USAGE, SELECT on its tables and sequences. `write`: also INSERT, UPDATE,
 * DELETE, TRUNCATE on its tables and USAGE on its sequences (no DDL). `owner`: owns the schema (creates, alters and
 * drops objects in it) and writes the tables others created there. Applies to the tables that exist and, through
 * default privileges of the schema's owner, to the ones created later.
 */
export const SchemaPrivilegeSchema = z.enum(['read', 'write', 'owner']);
export type SchemaPrivilege = z.infer<typeof SchemaPrivilegeSchema>;

export const SchemaGrantSchema = z.object({
  schema: z.string().regex(IDENTIFIER, 'schema must be a lower-case identifier'),
  privilege: SchemaPrivilegeSchema,
});

/** A SQL file the bootstrap applies once per content (sha256), as `owner` when given, else as the master user. */
export const SchemaFileSchema = z.object({
  /** The file's path in the repository: its key in the ledger, and its name in errors. */
  name: z.string().min(1).max(1024),
  sql: z.string(),
  /** Hex SHA-256 of `sql` (UTF-8), computed at synth; the bootstrap checks it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The plan user that runs the file (and owns what it creates). */
  owner: z.string().regex(IDENTIFIER).optional(),
});
export type SchemaFile = z.infer<typeof SchemaFileSchema>;

/** What the bootstrap makes true in the database; idempotent, safe to apply on every deploy. */
export const BootstrapPlanSchema = z.object({
  /** Users to create or update. */
  users: z
    .array(
      z.object({
        username: z.string().regex(IDENTIFIER, 'username must be a lower-case identifier'),
        /** Secrets Manager secret holding `password` (JSON); absent for IAM-authenticated users. */
        secretArn: z.string().min(1).optional(),
        /** Grant `rds_iam` so the user logs in with IAM tokens. */
        iam: z.boolean().default(false),
        /** Schemas the user owns (created when missing): the same as grants with privilege `owner`. */
        schemas: z.array(z.string().regex(IDENTIFIER, 'schema must be a lower-case identifier')).default([]),
        /** What the user may do in which schema; in the schemas the plan names, nothing else. */
        grants: z.array(SchemaGrantSchema).default([]),
        /** Calls aws_s3.table_import_from_s3 (server-side loads): USAGE on aws_s3, aws_commons and EXECUTE on their functions. */
        s3Import: z.boolean().default(false),
        /**
         * Alternating-users rotation: a second login `<username>_clone`, member of the user, whose sessions act as it
         * (`ALTER ROLE ... SET role`); the secret names whichever of the two was rotated last.
         */
        alternate: z.boolean().default(false),
      }),
    )
    .default([]),
  /** Extensions to create (with CASCADE), e.g. `aws_s3` for server-side S3 imports. */
  extensions: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).default([]),
  /** SQL files declaring tables (e.g. the ones a pipeline loads into), applied in order. */
  schemaFiles: z.array(SchemaFileSchema).default([]),
});
export type BootstrapPlan = z.infer<typeof BootstrapPlanSchema>;

/**
 * A SCRAM-SHA-256 verifier for `password` (RFC 7677, the format Postgres stores). Sending the verifier instead
 * of the password keeps the clear text out of statement logs (`log_statement = ddl` logs ALTER ROLE).
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Quotes an identifier the way Postgres' quote_ident does. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a literal (standard_conforming_strings on). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Hex SHA-256 of a schema file's text (UTF-8): its identity in the ledger. */
export function schemaFileSha256(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Problems of a plan as a whole, checked at synth (modules/private-postgres) and by the bootstrap before it changes
 * anything: unique users, one grant per user and schema, one owner per schema, password or IAM, schema files that
 * are valid, unique, match their hash and run as a user of the plan.
 */
export function planProblems(plan: BootstrapPlan, options: { checkHashes?: boolean } = {}): string[] {
  const out: string[] = [];
  const users = new Set<string>();
  const owners = new Map<string, string>();
  for (const user of plan.users) {
    if (users.has(user.username)) out.push(`user ${user.username} is listed twice`);
    users.add(user.username);
    if (!user.secretArn && !user.iam) out.push(`user ${user.username}: needs a secretArn (password login) or iam: true`);
    if (user.alternate && (user.iam || !user.secretArn)) out.push(`user ${user.username}: alternating users need a password login (a secretArn), not IAM`);
    if (user.alternate && cloneOf(user.username).length > 63) out.push(`user ${user.username}: ${cloneOf(user.username)} is longer than 63 characters; use a name of at most 57 for alternating users`);
    const seen = new Set<string>();
    for (const grant of grantsOf(user)) {
      if (seen.has(grant.schema)) out.push(`user ${user.username}: schema ${grant.schema} is granted twice; give one privilege (read, write or owner)`);
      seen.add(grant.schema);
      if (grant.privilege !== 'owner') continue;
      const other = owners.get(grant.schema);
      if (other && other !== user.username) out.push(`schema ${grant.schema} has two owners (${other}, ${user.username}); a schema has one owner, give the other write`);
      owners.set(grant.schema, user.username);
    }
  }
  const files = new Set<string>();
  let total = 0;
  for (const file of plan.schemaFiles) {
    if (files.has(file.name)) out.push(`schema file ${file.name} is listed twice`);
    files.add(file.name);
    total += Buffer.byteLength(file.sql, 'utf8');
    out.push(...schemaFileProblems(file.name, file.sql));
    if ((options.checkHashes ?? true) && schemaFileSha256(file.sql) !== file.sha256) out.push(`schema file ${file.name}: sha256 does not match its text`);
    if (file.owner && !users.has(file.owner)) out.push(`schema file ${file.name}: owner ${file.owner} is not a user of the plan`);
  }
  if (total > MAX_SCHEMA_FILES_TOTAL_BYTES) out.push(`schema files total ${total} bytes; the limit is ${MAX_SCHEMA_FILES_TOTAL_BYTES} (they travel in the bootstrap's invocation payload)`);
  return out;
}

/** A user's grants, with its owned `schemas` as `owner` grants. */
export function grantsOf(user: BootstrapPlan['users'][number]): Array<z.infer<typeof SchemaGrantSchema>> {
  return [...user.schemas.map((schema) => ({ schema, privilege: 'owner' as const })), ...user.grants];
}

/** The second login of an alternating-users pair (Secrets Manager's naming: `<user>_clone`). */
export function cloneOf(username: string): string {
  return `${username}_clone`;
}
