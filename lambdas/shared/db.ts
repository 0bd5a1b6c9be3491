import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PoolConfig } from 'pg';

/**
 * Database settings for Lambdas. In AWS: `DB_SECRET_ARN` names a Secrets Manager JSON secret (the RDS-managed
 * master secret or an app-user secret: username, password, and host/port/dbname when present, else `PGHOST`,
 * `PGPORT`, `PGDATABASE`). Elsewhere (tests, local runs): the standard libpq variables
 * `PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSSLMODE`.
 */
export interface DbSecret {
  readonly username: string;
  readonly password: string;
  readonly host?: string;
  readonly port?: number | string;
  readonly dbname?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function sslFor(mode: string | undefined): PoolConfig['ssl'] {
  switch ((mode ?? 'verify-full').toLowerCase()) {
    case 'disable':
      return false;
    case 'require':
    case 'prefer':
    case 'allow':
      // Encrypted, server identity not verified (use verify-full with the RDS CA bundle in NODE_EXTRA_CA_CERTS).
      return { rejectUnauthorized: false };
    default:
      return { rejectUnauthorized: true };
  }
}

/** Reads a secret's `SecretString` (undefined when it has none). Tests pass a fake; Lambdas use Secrets Manager. */
export type ReadSecret = (secretId: string) => Promise<string | undefined>;

/** `ReadSecret` over a Secrets Manager client (AWSCURRENT version). */
export function secretsManagerReader(client: SecretsManagerClient = new SecretsManagerClient({})): ReadSecret {
  return async (secretId) => (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
}

async function readDbSecret(readSecret: ReadSecret, secretArn: string): Promise<DbSecret> {
  const raw = await readSecret(secretArn);
  if (!raw) throw new ConfigError(`secret ${secretArn} has no SecretString`);
  let parsed: DbSecret;
  try {
    parsed = JSON.parse(raw) as DbSecret;
  } catch {
    throw new ConfigError(`secret ${secretArn} is not JSON with username and password`);
  }
  if (!parsed.username || !parsed.password) throw new ConfigError(`secret ${secretArn} lacks username or password`);
  return parsed;
}

/**
 * Reads the database settings (call once at cold start, outside the handler). Fails loudly on missing config.
 *
 * With `DB_SECRET_ARN`, `password` is a function node-postgres calls whenever it opens a connection: the first
 * connection uses the value just read, every later one reads the secret again. A pool kept warm across a rotation
 * (the app user's every `rotationDays`, RDS's own rotation of the master secret) therefore reconnects with the
 * current password instead of failing every batch with 28P01. The password never sits in the returned config.
 */
export async function resolveDbConfig(env: NodeJS.ProcessEnv = process.env, secrets?: SecretsManagerClient | ReadSecret): Promise<PoolConfig> {
  const secretArn = env.DB_SECRET_ARN;
  if (secretArn) {
    const readSecret = typeof secrets === 'function' ? secrets : secretsManagerReader(secrets);
    const first = await readDbSecret(readSecret, secretArn);
    const host = first.host ?? env.PGHOST;
    const database = first.dbname ?? env.PGDATABASE;
    if (!host || !database) throw new ConfigError(`secret ${secretArn} has no host/dbname and PGHOST/PGDATABASE are not set`);
    let unused: string | undefined = first.password;
    const password = async function (this: unknown): Promise<string> {
      if (unused !== undefined) {
        const value = unused;
        unused = undefined;
        return value;
      }
      try {
        const current = await readDbSecret(readSecret, secretArn);
        if (current.username !== first.username) {
          // Connections log in as the user read at start; a password for another user cannot work.
          throw new ConfigError(`secret ${secretArn} now names user ${current.username}, not ${first.username}: restart the function to log in as the new user`);
        }
        return current.password;
      } catch (err) {
        // node-postgres calls this as a method of the connecting client and, when it throws, leaves the connection
        // open half-authenticated (the server holds a backend until authentication_timeout): close it.
        (this as { connection?: { end?: () => void } } | undefined)?.connection?.end?.();
        throw err;
      }
    };
    return {
      host,
      port: Number(first.port ?? env.PGPORT ?? 5432),
      user: first.username,
      password,
      database,
      ssl: sslFor(env.PGSSLMODE),
    };
  }
  const missing = ['PGHOST', 'PGUSER', 'PGDATABASE'].filter((k) => !env[k]);
  if (missing.length) {
    throw new ConfigError(`database not configured: set DB_SECRET_ARN, or the libpq variables (missing ${missing.join(', ')})`);
  }
  return {
    host: env.PGHOST,
    port: Number(env.PGPORT ?? 5432),
    user: env.PGUSER,
    password: env.PGPASSWORD,
    database: env.PGDATABASE,
    ssl: sslFor(env.PGSSLMODE),
  };
}

/** Errors worth retrying: the database is unreachable or restarting, not the data being wrong. */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const code = e.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH'].includes(code)) return true;
  // 08xxx connection exceptions, 53xxx insufficient resources, 57P0x admin shutdown / cannot connect now, 40001/40P01 retryable
  if (/^(08|53|57P0)/.test(code) || code === '40001' || code === '40P01') return true;
  // 28P01 invalid_password: the secret was rotated under an open pool (the next connection reads it again), or a
  // single-user rotation is between setSecret and finishSecret for a few seconds.
  if (code === '28P01') return true;
  return /Connection terminated|timeout expired|connect ETIMEDOUT/i.test(e.message ?? '');
}
