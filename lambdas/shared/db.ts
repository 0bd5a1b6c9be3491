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

/** Reads the database settings once (call at cold start, outside the handler). Fails loudly on missing config. */
export async function resolveDbConfig(env: NodeJS.ProcessEnv = process.env, secrets?: SecretsManagerClient): Promise<PoolConfig> {
  const secretArn = env.DB_SECRET_ARN;
  if (secretArn) {
    const client = secrets ?? new SecretsManagerClient({});
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!out.SecretString) throw new ConfigError(`secret ${secretArn} has no SecretString`);
    let parsed: DbSecret;
    try {
      parsed = JSON.parse(out.SecretString) as DbSecret;
    } catch {
      throw new ConfigError(`secret ${secretArn} is not JSON with username and password`);
    }
    if (!parsed.username || !parsed.password) throw new ConfigError(`secret ${secretArn} lacks username or password`);
    const host = parsed.host ?? env.PGHOST;
    const database = parsed.dbname ?? env.PGDATABASE;
    if (!host || !database) throw new ConfigError(`secret ${secretArn} has no host/dbname and PGHOST/PGDATABASE are not set`);
    return {
      host,
      port: Number(parsed.port ?? env.PGPORT ?? 5432),
      user: parsed.username,
      password: parsed.password,
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
  return /Connection terminated|timeout expired|connect ETIMEDOUT/i.test(e.message ?? '');
}
