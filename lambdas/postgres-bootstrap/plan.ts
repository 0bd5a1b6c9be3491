import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** What the bootstrap makes true in the database; idempotent, safe to apply on every deploy. */
export const BootstrapPlanSchema = z.object({
  /** Users to create or update. */
  users: z
    .array(
      z.object({
        username: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'username must be a lower-case identifier'),
        /** Secrets Manager secret holding `password` (JSON); absent for IAM-authenticated users. */
        secretArn: z.string().min(1).optional(),
        /** Grant `rds_iam` so the user logs in with IAM tokens. */
        iam: z.boolean().default(false),
        /** Schemas the user owns (created when missing). */
        schemas: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'schema must be a lower-case identifier')).default([]),
      }),
    )
    .default([]),
  /** Extensions to create (with CASCADE), e.g. `aws_s3` for server-side S3 imports. */
  extensions: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).default([]),
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
